"""Times the PyTorch + transformers + peft stack on the workloads of `peftbench bench train|forward|generate`, on the
same GGUF file, so that peftbench's figures can be set beside the reference's measured on the same machine.

Each workload runs in a fresh process (peak RSS is per process). fp32, 2 threads unless --threads, batch 8 x 128
random tokens, loss over every position, AdamW (fused where torch has it) at a constant learning rate.

Usage: python3 scripts/bench_torch_reference.py GGUF [--only forward,full,lora,...] [--steps N] [--threads T]
Needs torch, transformers, peft and gguf (not needed by peftbench itself).
"""
import argparse
import json
import os
import subprocess
import sys
import time

WORKLOADS = ["forward", "generate", "full", "lora", "dora", "adalora", "vera", "ia3", "prompt", "ptuning", "prefix"]


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


def rss_peak_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(gguf, workload, steps, threads, batch, seq):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = load(gguf)
    vocab = model.config.vocab_size
    tokens = [torch.randint(0, vocab, (batch, seq)) for _ in range(steps + 1)]
    result = {"workload": workload, "torch": torch.__version__, "threads": threads}
    if workload == "forward":
        model.eval()
        with torch.no_grad():
            model(input_ids=tokens[0], labels=tokens[0])
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
        try:
            optimizer = torch.optim.AdamW(params, lr=1e-5, fused=True)
        except (RuntimeError, TypeError):
            optimizer = torch.optim.AdamW(params, lr=1e-5)

        def step(t):
            loss = model(input_ids=t, labels=t).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=False)

        step(tokens[0])
        start = time.perf_counter()
        for t in tokens[1:]:
            step(t)
        result["tokens_per_s"] = batch * seq * steps / (time.perf_counter() - start)
    result["peak_rss_mb"] = rss_peak_mb()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gguf")
    parser.add_argument("--only", default=",".join(WORKLOADS))
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.gguf, args.child, args.steps, args.threads, args.batch, args.seq)), flush=True)
        return
    for workload in args.only.split(","):
        command = [sys.executable, __file__, args.gguf, "--child", workload, "--steps", str(args.steps),
                   "--threads", str(args.threads), "--batch", str(args.batch), "--seq", str(args.seq)]
        out = subprocess.run(command, capture_output=True, text=True)
        line = out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout.strip() else None
        if line is None:
            print(f"{workload:10s} failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
            continue
        r = json.loads(line)
        extra = f"  prefill {r['prefill_tokens_per_s']:.0f} tok/s" if "prefill_tokens_per_s" in r else ""
        print(f"{workload:10s} {r['tokens_per_s']:8.1f} tok/s  peak RSS {r['peak_rss_mb']:7.0f} MB{extra}", flush=True)


if __name__ == "__main__":
    main()
