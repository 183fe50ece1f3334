"""Times the PyTorch + transformers + peft stack on the workloads of `peftbench bench train|forward|generate`, on the
same GGUF file, so that peftbench's figures can be set beside the reference's measured on the same machine.

The reference at its best: each workload runs in a fresh process (peak RSS is per process) with tcmalloc preloaded
when the system has it (Debian: libtcmalloc-minimal4), and again with glibc's allocator for the figure beside it;
fp32, 2 threads unless --threads, batch 8 x 128 random tokens, loss over every position, fused AdamW at a constant
learning rate. Each process also measures a 2048^3 sgemm (torch.mm, median of 5) and counts the matrix-product
FLOPs of one step (torch's FlopCounterMode), so that every figure has its MFU against the ceiling of the same process.

With --peftbench BINARY, peftbench's own benchmark of the same workload (`bench forward|generate|train`, same GGUF,
batch, length, threads) runs in the same alternation, and each row ends with the ratio of peftbench's median tokens/s
to the reference's faster allocator's and of their peak RSS (also without the resident pages of the CUDA build's GPU
libraries, which PyPI's torch loads on any machine), then the arithmetic of the row's target: the tokens/s and the
MFU peftbench would need for it (its FLOPs per token at its own ceiling), and the ratio it would reach if every FLOP
ran at that ceiling, so a target beyond the machine shows as such.

Usage: python3 scripts/bench_torch_reference.py GGUF [--only forward,full,lora,...] [--steps N] [--threads T]
                                                [--repeats R] [--allocator both|tcmalloc|glibc] [--json]
                                                [--peftbench .build/release/peftbench] [--peftbench-steps N]
Needs torch, transformers, peft and gguf (not needed by peftbench itself).
"""
import argparse
import fcntl
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOADS = ["forward", "generate", "full", "lora", "dora", "adalora", "vera", "ia3", "prompt", "ptuning", "prefix"]
# The ratios of tokens/s peftbench is asked to reach against the reference's faster allocator.
TARGETS = {"forward": 1.05, "full": 1.15}
PEFT_TARGET = 1.3


def load(gguf):
    from transformers import AutoModelForCausalLM

    folder, name = os.path.split(os.path.abspath(gguf))
    return AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype="float32")


def adapt(model, workload, steps):
    import peft

    targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    configs = {
        "lora": lambda: peft.LoraConfig(r=8, lora_alpha=16, target_modules=targets, task_type="CAUSAL_LM"),
        "dora": lambda: peft.LoraConfig(r=8, lora_alpha=16, target_modules=targets, use_dora=True, task_type="CAUSAL_LM"),
        "ia3": lambda: peft.IA3Config(task_type="CAUSAL_LM"),
        "prompt": lambda: peft.PromptTuningConfig(num_virtual_tokens=20, task_type="CAUSAL_LM"),
        "prefix": lambda: peft.PrefixTuningConfig(num_virtual_tokens=20, task_type="CAUSAL_LM"),
        "ptuning": lambda: peft.PromptEncoderConfig(num_virtual_tokens=20, encoder_hidden_size=128, task_type="CAUSAL_LM"),
        "adalora": lambda: peft.AdaLoraConfig(init_r=12, target_r=8, target_modules=targets, total_step=steps + 1,
                                              task_type="CAUSAL_LM"),
        "vera": lambda: peft.VeraConfig(r=256, target_modules=targets, task_type="CAUSAL_LM"),
    }
    if workload == "full":
        return model
    return peft.get_peft_model(model, configs[workload]())


def tcmalloc_path():
    for pattern in ["/usr/lib/*/libtcmalloc_minimal.so.4", "/usr/lib/libtcmalloc_minimal.so.4", "/usr/lib64/libtcmalloc_minimal.so.4"]:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


def sgemm_gflops(torch, n=2048, repeats=5):
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return 2 * n ** 3 / statistics.median(times) / 1e9


def counted_flops(fn):
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def rss_peak_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# PyPI's torch for Linux is the CUDA build: its GPU libraries are mapped and partly resident in every process, CPU
# or not, and a CPU-only build (not on PyPI) would not load them. Their resident share is reported beside the peak.
GPU_LIBRARY_MARKERS = ("/nvidia/", "libtorch_cuda", "libc10_cuda", "/triton/", "libcudnn", "libcublas", "libnccl")


def gpu_library_rss_mb():
    kb, counted = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            # A mapping's header (address range, ..., path) is the one line whose first field is not a "Key:".
            if not fields[0].endswith(":"):
                counted = len(fields) > 5 and any(m in fields[5] for m in GPU_LIBRARY_MARKERS)
            elif counted and fields[0] == "Rss:":
                kb += int(fields[1])
    return kb / 1024


def run_one(gguf, workload, steps, threads, batch, seq):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = load(gguf)
    vocab = model.config.vocab_size
    tokens = [torch.randint(0, vocab, (batch, seq)) for _ in range(steps + 1)]
    preload = os.environ.get("LD_PRELOAD", "")
    result = {"workload": workload, "torch": torch.__version__, "threads": threads,
              "allocator": "tcmalloc" if "tcmalloc" in preload else "glibc", "sgemm_gflops": sgemm_gflops(torch)}
    flops_per_step = None
    if workload == "forward":
        model.eval()
        with torch.no_grad():
            flops_per_step = counted_flops(lambda: model(input_ids=tokens[0], labels=tokens[0]))
            start = time.perf_counter()
            for t in tokens[1:]:
                model(input_ids=t, labels=t)
        result["tokens_per_s"] = batch * seq * steps / (time.perf_counter() - start)
    elif workload == "generate":
        model.eval()
        prompt = tokens[0][:1, :seq]
        new = 128
        with torch.no_grad():
            model.generate(prompt, max_new_tokens=4, min_new_tokens=4, do_sample=False)
            start = time.perf_counter()
            model.generate(prompt, max_new_tokens=1, min_new_tokens=1, do_sample=False)
            prefill = time.perf_counter() - start
            start = time.perf_counter()
            model.generate(prompt, max_new_tokens=new, min_new_tokens=new, do_sample=False)
            total = time.perf_counter() - start
        result["tokens_per_s"] = (new - 1) / max(1e-9, total - prefill)
        result["prefill_tokens_per_s"] = seq / prefill
    else:
        model = adapt(model, workload, steps)
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        result["trainable"] = sum(p.numel() for p in params)
        # Fused AdamW runs on CPU since torch 2.4; an older torch says so in the result instead of failing.
        try:
            optimizer = torch.optim.AdamW(params, lr=1e-5, fused=True)
            result["optimizer"] = "AdamW fused"
        except (RuntimeError, TypeError):
            optimizer = torch.optim.AdamW(params, lr=1e-5)
            result["optimizer"] = "AdamW"

        updates = 0

        def step(t):
            nonlocal updates
            loss = model(input_ids=t, labels=t).loss
            loss.backward()
            optimizer.step()
            updates += 1
            # AdaLoRA is only AdaLoRA with its budget allocation after each update, with the gradients still in
            # place (PEFT's documented loop); peftbench's trainer does the same work at every step.
            if workload == "adalora":
                model.base_model.update_and_allocate(updates)
            optimizer.zero_grad(set_to_none=False)

        flops_per_step = counted_flops(lambda: step(tokens[0]))
        start = time.perf_counter()
        for t in tokens[1:]:
            step(t)
        result["tokens_per_s"] = batch * seq * steps / (time.perf_counter() - start)
    if flops_per_step is not None:
        seconds_per_step = batch * seq / result["tokens_per_s"]
        result["gflops"] = flops_per_step / seconds_per_step / 1e9
        result["mfu"] = result["gflops"] / result["sgemm_gflops"]
    result["peak_rss_mb"] = rss_peak_mb()
    result["gpu_library_rss_mb"] = gpu_library_rss_mb()
    return result


def child(args, workload, allocator):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    if allocator == "tcmalloc":
        env["LD_PRELOAD"] = tcmalloc_path()
    command = [sys.executable, __file__, args.gguf, "--child", workload, "--steps", str(args.steps),
               "--threads", str(args.threads), "--batch", str(args.batch), "--seq", str(args.seq)]
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    line = out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout.strip() else None
    if line is None:
        reason = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"
        return {"workload": workload, "allocator": allocator, "error": reason}
    return json.loads(line)


def peftbench_command(args, workload):
    """peftbench's benchmark of a workload, with the reference's shapes."""
    common = ["--model", os.path.abspath(args.gguf), "--threads", str(args.threads), "--json"]
    if workload == "forward":
        return ["bench", "forward", "--batch", str(args.batch), "--seq", str(args.seq), "--steps",
                str(args.peftbench_steps)] + common
    if workload == "generate":
        # As the reference's `generate`: one sequence, a prompt of --seq tokens, 128 new tokens.
        return ["bench", "generate", "--batch", "1", "--seq", str(args.seq), "--new-tokens", "128"] + common
    # peftbench's defaults for these methods are the settings `adapt` gives the reference.
    return ["bench", "train", "--method", workload, "--batch", str(args.batch), "--seq", str(args.seq),
            "--steps", str(args.peftbench_steps)] + common


def peftbench_child(args, workload):
    out = subprocess.run([args.peftbench] + peftbench_command(args, workload), capture_output=True, text=True)
    if out.returncode != 0:
        reason = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"
        return {"workload": workload, "side": "peftbench", "error": reason}
    r = json.loads(out.stdout)
    return {"workload": workload, "side": "peftbench", "tokens_per_s": r["tokens_per_s"], "mfu": r["mfu"],
            "sgemm_gflops": r["sgemm_gflops"], "gflops": r["gflops"],
            "peak_rss_mb": (r.get("peak_rss_bytes") or 0) / 1048576, "openblas_core": r["openblas_core"],
            **({"prefill_tokens_per_s": r["prefill_tokens_per_s"]} if "prefill_tokens_per_s" in r else {})}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gguf")
    parser.add_argument("--only", default=",".join(WORKLOADS))
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=1, help="processes per workload and allocator (median reported)")
    parser.add_argument("--allocator", choices=["both", "tcmalloc", "glibc"], default="both")
    parser.add_argument("--json", action="store_true", help="one JSON object per process, then none of the table")
    parser.add_argument("--peftbench", default=None, help="peftbench executable to run beside the reference")
    parser.add_argument("--peftbench-steps", type=int, default=5, help="timed steps of peftbench's benchmark")
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.gguf, args.child, args.steps, args.threads, args.batch, args.seq)), flush=True)
        return
    # Two copies at once would each time the other's load: the second one refuses to start.
    lock = open(os.path.join(tempfile.gettempdir(), "peftbench-bench-reference.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("another bench_torch_reference.py is running on this machine; its figures and these would disturb each other")
    allocators = ["tcmalloc", "glibc"] if args.allocator == "both" else [args.allocator]
    if "tcmalloc" in allocators and tcmalloc_path() is None:
        print("tcmalloc not found (Debian: apt-get install libtcmalloc-minimal4); glibc's allocator only", file=sys.stderr)
        if args.allocator == "tcmalloc":
            sys.exit(1)
        allocators = ["glibc"]
    for workload in args.only.split(","):
        if workload not in WORKLOADS:
            sys.exit(f"--only: no workload '{workload}' (one of {', '.join(WORKLOADS)})")
        # Repetitions alternate between the allocators, so that a slow minute of the machine falls on both.
        # peftbench's side joins the same alternation.
        sides = allocators + (["peftbench"] if args.peftbench else [])
        runs = {a: [] for a in sides}
        for _ in range(args.repeats):
            for side in sides:
                r = peftbench_child(args, workload) if side == "peftbench" else child(args, workload, side)
                runs[side].append(r)
                if args.json:
                    print(json.dumps(r), flush=True)
        if args.json:
            continue
        cells = []
        medians = {}
        for side in sides:
            good = [r for r in runs[side] if "error" not in r]
            if not good:
                cells.append(f"{side}: failed ({runs[side][-1]['error']})")
                continue
            tps = statistics.median(r["tokens_per_s"] for r in good)
            rss = statistics.median(r["peak_rss_mb"] for r in good)
            gpu = statistics.median(r.get("gpu_library_rss_mb", 0) for r in good)
            medians[side] = (tps, rss, gpu)
            mfu = [r["mfu"] for r in good if "mfu" in r]
            ceiling = statistics.median(r["sgemm_gflops"] for r in good) if mfu else None
            if side == "peftbench":
                flop_per_token = statistics.median(r["gflops"] / r["tokens_per_s"] for r in good)
                peftbench_ceiling = ceiling
            cell = f"{side}: {tps:7.1f} tok/s  peak RSS {rss:5.0f} MB"
            cell += f" (GPU libraries {gpu:.0f})" if gpu > 0 else ""
            cell += f"  MFU {statistics.median(mfu):.0%} of {ceiling:.0f} GFLOPS" if mfu else ""
            cell += f"  prefill {statistics.median(r['prefill_tokens_per_s'] for r in good):.0f} tok/s" if "prefill_tokens_per_s" in good[0] else ""
            cells.append(cell)
        reference = [medians[a] for a in allocators if a in medians]
        if "peftbench" in medians and reference:
            best = max(reference, key=lambda m: m[0])
            ratio = medians["peftbench"][0] / best[0]
            rss_ratio = f"{medians['peftbench'][1] / best[1]:.2f}x RSS"
            if best[2] > 0:
                rss_ratio += f" ({medians['peftbench'][1] / (best[1] - best[2]):.2f}x without the GPU libraries)"
            cells.append(f"ratio {ratio:.2f}x tok/s, {rss_ratio}")
            # Decoding is bound by memory, not by products, so a FLOP arithmetic would say nothing of it.
            if workload != "generate" and flop_per_token > 0 and peftbench_ceiling:
                target = TARGETS.get(workload, PEFT_TARGET)
                needed = target * best[0]
                cells.append(f"target {target:.2f}x: {needed:.0f} tok/s = MFU {needed * flop_per_token / peftbench_ceiling:.0%}"
                             f" (at 100%: {peftbench_ceiling / flop_per_token / best[0]:.2f}x)")
        print(f"{workload:8s} " + "  |  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
