#!/usr/bin/env python3
"""Where each run's training loss flattens, from the loss curves in a folder of runs (suites/curves.yaml).

The curve is smoothed with an exponential moving average (span 8 steps); a run has taken 90% of its loss drop at
the first step whose smoothed loss is within a tenth of the total drop (first smoothed value to last) of the end.
"""
import json
import os
import sys


def smoothed(losses, span=8):
    alpha, out, value = 2 / (span + 1), [], None
    for x in losses:
        value = x if value is None else alpha * x + (1 - alpha) * value
        out.append(value)
    return out


def main(folder):
    rows = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name, "result.json")
        if not os.path.exists(path):
            continue
        r = json.load(open(path))
        losses = [p["loss"] for p in r["lossCurve"]]
        if len(losses) < 8:
            continue
        s = smoothed(losses)
        drop = s[0] - s[-1]
        step90 = next((i + 1 for i, v in enumerate(s) if v - s[-1] <= 0.1 * drop), len(s)) if drop > 0 else 1
        rate = r["cost"]["trainingSeconds"] / max(1, r["budget"]["stepsRun"])
        rows.append((r["spec"]["task"], r["spec"]["method"], s[0], s[len(s) // 4], s[len(s) // 2], s[-1], step90, rate))
    print(f"{'task':8} {'method':8} {'start':>7} {'at 1/4':>7} {'at 1/2':>7} {'end':>7} {'90% of drop':>12} {'s/step':>7}")
    for t, m, a, q, h, e, k, rate in rows:
        print(f"{t:8} {m:8} {a:7.3f} {q:7.3f} {h:7.3f} {e:7.3f} {k:12d} {rate:7.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/curves")
