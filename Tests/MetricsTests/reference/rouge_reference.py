"""Scores test cases with rouge-score, for the parity tests: reads a JSON list of cases, prints a JSON list."""
import json
import sys

from rouge_score import rouge_scorer

scorer = rouge_scorer.RougeScorer(["rougeL", "rougeLsum"], use_stemmer=False)
out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    s = scorer.score_multi(case["refs"], case["hyp"])
    out.append({k: [s[k].precision, s[k].recall, s[k].fmeasure] for k in ("rougeL", "rougeLsum")})
json.dump(out, sys.stdout)
