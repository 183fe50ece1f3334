"""Times the Python reference implementations on the pairs `peftbench bench metrics --dump DIR` writes, so that
peftbench's throughput can be compared on the same input and machine. Prints segments/s per metric.

Usage: python3 scripts/bench_metrics_reference.py DIR [--meteor-jar] (nltk's meteor needs WordNet; see the
parity test's reference script for how it is set up from Debian's wordnet-base.)
"""
import sys
import time

directory = sys.argv[1]
hyps = open(f"{directory}/hyp.txt", encoding="utf-8").read().splitlines()
refs = open(f"{directory}/ref.txt", encoding="utf-8").read().splitlines()
n = len(hyps)


def timed(name, body):
    body()  # warm-up, as peftbench does
    start = time.perf_counter()
    body()
    print(f"{name:16s}{n / (time.perf_counter() - start):12.0f} segments/s", flush=True)


from sacrebleu.metrics import BLEU  # noqa: E402

bleu = BLEU()
timed("sacrebleu", lambda: bleu.corpus_score(hyps, [refs]))
sentence = BLEU(effective_order=True)
timed("sentence-bleu", lambda: [sentence.sentence_score(h, [r]) for h, r in zip(hyps, refs)])

from rouge_score import rouge_scorer  # noqa: E402

scorer = rouge_scorer.RougeScorer(["rougeL"])
timed("rouge-l", lambda: [scorer.score(r, h) for h, r in zip(hyps, refs)])

try:
    from nltk.corpus import wordnet
    from nltk.translate.meteor_score import meteor_score

    wordnet.synsets("dog")
    timed("meteor-nltk", lambda: [meteor_score([r.split()], h.split()) for h, r in zip(hyps, refs)])
except LookupError:
    print("meteor-nltk     (WordNet not installed for nltk)")

if "--meteor-jar" in sys.argv:
    from pycocoevalcap.meteor.meteor import Meteor

    m = Meteor()
    gts = {i: [r] for i, r in enumerate(refs)}
    res = {i: [h] for i, h in enumerate(hyps)}
    timed("meteor", lambda: m.compute_score(gts, res))
