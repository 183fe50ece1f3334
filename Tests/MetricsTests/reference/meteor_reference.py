"""METEOR 1.5 through pycocoevalcap's wrapper (java -jar meteor-1.5.jar - - -stdio -l en -norm), for the parity tests.

Input: [{"hyps": [...], "refs": [[...], ...]}]. Output per case: {"corpus": c, "segments": [...]}.
"""
import json
import sys

from pycocoevalcap.meteor.meteor import Meteor

scorer = Meteor()
out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    gts = {i: refs for i, refs in enumerate(case["refs"])}
    res = {i: [h] for i, h in enumerate(case["hyps"])}
    corpus, segments = scorer.compute_score(gts, res)
    out.append({"corpus": float(corpus), "segments": [float(s) for s in segments]})
json.dump(out, sys.stdout)
