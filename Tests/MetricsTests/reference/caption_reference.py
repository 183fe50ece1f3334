"""pycocoevalcap's CIDEr-D and ROUGE-L on pre-tokenized cases.

Input: [{"hyps": [...], "refs": [[...], ...]}]. Output per case: {"cider": {"corpus", "segments"}, "rouge": {...}}.
"""
import json
import sys

from pycocoevalcap.cider.cider import Cider
from pycocoevalcap.rouge.rouge import Rouge

out = []
for case in json.load(open(sys.argv[1])):
    gts = {i: refs for i, refs in enumerate(case["refs"])}
    res = {i: [h] for i, h in enumerate(case["hyps"])}
    entry = {}
    for name, scorer in (("cider", Cider()), ("rouge", Rouge())):
        corpus, segments = scorer.compute_score(gts, res)
        entry[name] = {"corpus": float(corpus), "segments": [float(s) for s in segments]}
    out.append(entry)
print(json.dumps(out))
