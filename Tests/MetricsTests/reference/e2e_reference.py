"""The COCO half of the E2E script (measure_scores.py → COCOEvalCap.evaluate): PTB tokenization of the references
and of the hypotheses, then METEOR, ROUGE_L and CIDEr, through pycocoevalcap itself. Input: [{"hyps", "refs"}];
output per case: {"METEOR", "ROUGE_L", "CIDEr"}. (BLEU and NIST come from mteval-v13a.pl, which is not packaged
anywhere installable here; their parity is tested piecewise against sacrebleu and nltk.)
"""
import json
import sys

from pycocoevalcap.cider.cider import Cider
from pycocoevalcap.meteor.meteor import Meteor
from pycocoevalcap.rouge.rouge import Rouge
from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

meteor = Meteor()
out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    gts = {"inst-%d" % i: [{"image_id": "inst-%d" % i, "caption": r} for r in refs] for i, refs in enumerate(case["refs"])}
    res = {"inst-%d" % i: [{"image_id": "inst-%d" % i, "caption": h}] for i, h in enumerate(case["hyps"])}
    tokenizer = PTBTokenizer()
    gts, res = tokenizer.tokenize(gts), tokenizer.tokenize(res)
    entry = {}
    for name, scorer in (("METEOR", meteor), ("ROUGE_L", Rouge()), ("CIDEr", Cider())):
        score, _ = scorer.compute_score(gts, res)
        entry[name] = float(score)
    out.append(entry)
json.dump(out, sys.stdout)
