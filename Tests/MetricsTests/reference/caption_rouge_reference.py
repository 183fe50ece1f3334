"""ROUGE-L of pycocoevalcap on pre-tokenized cases: [{"hyps": [...], "refs": [[...], ...]}] -> [{"corpus", "segments"}]."""
import json
import sys

from pycocoevalcap.rouge.rouge import Rouge

out = []
for case in json.load(open(sys.argv[1])):
    gts = {i: refs for i, refs in enumerate(case["refs"])}
    res = {i: [h] for i, h in enumerate(case["hyps"])}
    corpus, segments = Rouge().compute_score(gts, res)
    out.append({"corpus": float(corpus), "segments": [float(s) for s in segments]})
print(json.dumps(out))
