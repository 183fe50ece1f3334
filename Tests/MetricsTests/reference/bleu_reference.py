"""Scores test cases with sacrebleu, for the parity tests: reads a JSON list of cases, prints a JSON list."""
import json
import sys

from sacrebleu.metrics import BLEU

out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    options = dict(lowercase=case["lowercase"], tokenize=case["tokenize"], smooth_method=case["smooth"],
                   smooth_value=case["smooth_value"])
    corpus = BLEU(effective_order=case["effective_order"], **options).corpus_score(case["hyps"], case["refs"])
    sentence = BLEU(effective_order=True, **options)
    out.append({
        "score": corpus.score, "counts": corpus.counts, "totals": corpus.totals,
        "sys_len": corpus.sys_len, "ref_len": corpus.ref_len,
        "sentences": [sentence.sentence_score(h, [r[i] for r in case["refs"]]).score for i, h in enumerate(case["hyps"])],
    })
json.dump(out, sys.stdout)
