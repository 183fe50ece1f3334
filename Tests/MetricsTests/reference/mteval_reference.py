"""The E2E convention's BLEU and NIST through the reference libraries, for the parity tests.

mteval-v13a tokenizes as sacrebleu's 13a does and lower-cases only A-Z, so BLEU is sacrebleu's corpus BLEU (exp
smoothing is mteval's) on A-Z-lowercased text, over references of equal count. NIST is nltk's corpus_nist on the
same tokens; with one reference per segment its convention coincides with mteval's.
Input: [{"hyps": [...], "refs": [[r1, r2, ...] per segment]}]. Output per case: {"bleu", "counts", "totals",
"sys_len", "ref_len", "nist" (null unless every segment has one reference)}.
"""
import json
import sys

from nltk.translate.nist_score import corpus_nist
from sacrebleu.metrics import BLEU
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
tokenize = Tokenizer13a()

out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    hyps = [h.translate(ASCII_LOWER) for h in case["hyps"]]
    refs = [[r.translate(ASCII_LOWER) for r in rs] for rs in case["refs"]]
    streams = [[rs[k] for rs in refs] for k in range(len(refs[0]))]
    bleu = BLEU(tokenize="13a", smooth_method="exp").corpus_score(hyps, streams)
    entry = {"bleu": bleu.score / 100, "counts": bleu.counts, "totals": bleu.totals,
             "sys_len": bleu.sys_len, "ref_len": bleu.ref_len, "nist": None}
    if all(len(rs) == 1 for rs in refs):
        entry["nist"] = corpus_nist([[tokenize(rs[0]).split()] for rs in refs], [tokenize(h).split() for h in hyps], n=5)
    out.append(entry)
json.dump(out, sys.stdout)
