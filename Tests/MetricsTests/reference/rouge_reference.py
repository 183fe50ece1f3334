"""Scores test cases with rouge-score, for the parity tests: reads a JSON list of cases, prints a JSON list.

A case is {"hyp", "refs", "stem"?}; with "stem": true the scorer uses rouge-score's Porter stemmer.
"""
import json
import sys

from rouge_score import rouge_scorer

scorers = {stem: rouge_scorer.RougeScorer(["rougeL", "rougeLsum"], use_stemmer=stem) for stem in (False, True)}
out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    s = scorers[bool(case.get("stem", False))].score_multi(case["refs"], case["hyp"])
    out.append({k: [s[k].precision, s[k].recall, s[k].fmeasure] for k in ("rougeL", "rougeLsum")})
json.dump(out, sys.stdout)
