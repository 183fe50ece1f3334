"""nltk's meteor_score with WordNet 3.0 from Debian's wordnet-base, for the parity tests.

nltk cannot download WordNet here and refuses data symlinked from outside its data folder, so the Debian files are
copied into a temporary NLTK_DATA with the lexnames file nltk expects. Input: [{"hyps": [...], "refs": [[...]]}] of
whitespace-tokenized text. Output per case: the segment scores.
"""
import json
import os
import shutil
import sys
import tempfile

LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body noun.cognition
noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive noun.object noun.person
noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation noun.shape noun.state
noun.substance noun.time verb.body verb.change verb.cognition verb.communication verb.competition verb.consumption
verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative
verb.weather adj.ppl""".split()
CATEGORY = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}

data = tempfile.mkdtemp(prefix="nltk-data-")
target = os.path.join(data, "corpora", "wordnet")
os.makedirs(target)
for name in os.listdir("/usr/share/wordnet"):
    shutil.copy(os.path.join("/usr/share/wordnet", name), target)
with open(os.path.join(target, "lexnames"), "w") as f:
    for i, name in enumerate(LEXNAMES):
        f.write("%02d\t%s\t%d\n" % (i, name, CATEGORY[name.split(".")[0]]))
os.environ["NLTK_DATA"] = data

import nltk  # noqa: E402

nltk.data.path.insert(0, data)
from nltk.translate.meteor_score import meteor_score  # noqa: E402

out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    out.append([meteor_score([r.split() for r in refs], h.split()) for h, refs in zip(case["hyps"], case["refs"])])
shutil.rmtree(data)
json.dump(out, sys.stdout)
