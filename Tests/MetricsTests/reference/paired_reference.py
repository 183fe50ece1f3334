"""sacrebleu's own paired bootstrap test and bootstrap interval (significance._paired_bs_test) on peftbench's resample
indices: the generator sacrebleu would draw them from is replaced by one that hands over the given indices, so
everything else — statistics, resampled sums, scores, the p-value and the percentile interval — is sacrebleu's.
Input: [{"baseline", "system", "refs", "idxs"}]; output per case: {"p_value", "score", "baseline_score", "lower", "upper"}.
"""
import json
import sys

import numpy as np
from sacrebleu import significance
from sacrebleu.metrics import BLEU


class GivenIndices:
    def __init__(self, idxs):
        self.idxs = np.array(idxs, dtype=np.int64)

    def choice(self, n, size, replace=True):
        assert self.idxs.shape == size and replace
        return self.idxs


out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    significance.np.random.default_rng = lambda seed=None, idxs=case["idxs"]: GivenIndices(idxs)
    bleu = BLEU()
    refs = case["refs"]
    bl_stats = bleu._extract_corpus_statistics(case["baseline"], refs)
    bl_result = bleu._aggregate_and_compute(bl_stats)
    _, results = significance._paired_bs_test({"BLEU": (bl_stats, bl_result)}, "system", case["system"], refs, {"BLEU": bleu})
    r = results["BLEU"]
    # The percentile interval from the same resampled system scores sacrebleu's test computed.
    sys_stats = np.array(bleu._extract_corpus_statistics(case["system"], refs), dtype="float32")
    scores = np.sort([bleu._compute_score_from_stats(s.sum(0)).score for s in sys_stats[np.array(case["idxs"])]])
    k = len(scores) // 40
    out.append({"p_value": float(r.p_value), "score": float(r.score), "baseline_score": float(bl_result.score),
                "lower": float(scores[k]), "upper": float(scores[len(scores) - k - 1])})
json.dump(out, sys.stdout)
