"""Loads peftbench's exports with the real libraries and answers with what they compute.

Usage: torch_reference.py JOB.json → JSON on stdout. The job names:
  ids             token sequences (each run on its own, no padding)
  base            a Hugging Face folder exported by peftbench (the base model)
  adapters        [{name, path}]: PEFT-layout folders, each loaded on a fresh base with PeftModel.from_pretrained
  models          [{name, path}]: Hugging Face folders loaded with AutoModelForCausalLM
  gguf_models     [{name, path}]: GGUF files loaded with transformers' GGUF reader
  gguf_files      [{name, path}]: GGUF files read with the gguf package (tensor table and metadata)
  llama_cpp       [{name, path}]: GGUF files loaded and evaluated by llama.cpp itself (llama-cpp-python)
  llama_cpp_tokenize  {path, texts}: llama.cpp's tokenizer, from a GGUF file's metadata, on texts
  make_adapters   [{name, type, config, out}]: adapters created by peft itself on the base, every trained tensor
                  drawn at random (non-zero), saved with save_pretrained
The answer: {"logits": {name: [T×V floats per sequence]}, "gguf": {name: {...}}, "tokenizer": {...}}.
"""
import json
import os
import sys

import torch

torch.manual_seed(0)
torch.set_num_threads(2)
job = json.load(open(sys.argv[1]))
ids = job["ids"]
out = {"logits": {}, "gguf": {}}


def base_model():
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(job["base"], dtype=torch.float32).eval()


def logits_of(model):
    rows = []
    with torch.no_grad():
        for seq in ids:
            logits = model(input_ids=torch.tensor([seq])).logits[0]
            # Prompt tuning and P-tuning answer for their virtual tokens too; the real positions are the last T.
            rows.append(logits[-len(seq):].reshape(-1).tolist())
    return rows


for item in job.get("models", []):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(item["path"], dtype=torch.float32).eval()
    out["logits"][item["name"]] = logits_of(model)

for item in job.get("adapters", []):
    from peft import PeftModel

    model = PeftModel.from_pretrained(base_model(), item["path"]).eval()
    out["logits"][item["name"]] = logits_of(model)

for item in job.get("make_adapters", []):
    import peft

    kinds = {"LORA": peft.LoraConfig, "ADALORA": peft.AdaLoraConfig, "VERA": peft.VeraConfig, "IA3": peft.IA3Config,
             "PROMPT_TUNING": peft.PromptTuningConfig, "P_TUNING": peft.PromptEncoderConfig,
             "PREFIX_TUNING": peft.PrefixTuningConfig}
    config = kinds[item["type"]](task_type="CAUSAL_LM", **item["config"])
    model = peft.get_peft_model(base_model(), config)
    generator = torch.Generator().manual_seed(len(item["name"]))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.requires_grad:
                p.copy_(torch.randn(p.shape, generator=generator) * 0.1 + (0.5 if "ia3_l" in name or "magnitude" in name else 0))
    model.eval()
    model.save_pretrained(item["out"])
    out["logits"][item["name"]] = logits_of(model)

for item in job.get("gguf_models", []):
    from transformers import AutoModelForCausalLM

    folder, name = os.path.split(item["path"])
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    out["logits"][item["name"]] = logits_of(model)

for item in job.get("gguf_files", []):
    import gguf

    reader = gguf.GGUFReader(item["path"])
    metadata = {}
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        kind = field.types[0] if field.types else None
        if kind == gguf.GGUFValueType.STRING:
            metadata[key] = bytes(field.parts[field.data[0]]).decode("utf-8")
        elif kind == gguf.GGUFValueType.ARRAY:
            metadata[key] = {"length": len(field.data)}
        else:
            metadata[key] = field.parts[field.data[0]].tolist()[0]
    tensors = {t.name: {"type": t.tensor_type.name, "shape": [int(d) for d in t.shape]} for t in reader.tensors}
    out["gguf"][item["name"]] = {"metadata": metadata, "tensors": tensors}

for item in job.get("llama_cpp", []):
    import numpy
    from llama_cpp import Llama

    rows = []
    for seq in ids:
        # An F32 key/value cache (llama.cpp keeps F16 by default), so that an F32 file is computed in F32 throughout.
        llm = Llama(model_path=item["path"], n_ctx=64, n_batch=64, n_threads=2, logits_all=True, verbose=False, type_k=0, type_v=0)
        llm.eval(seq)
        rows.append(numpy.asarray(llm.scores[: len(seq)], dtype=numpy.float64).reshape(-1).tolist())
        del llm
    out["logits"][item["name"]] = rows

if "llama_cpp_tokenize" in job:
    from llama_cpp import Llama

    llm = Llama(model_path=job["llama_cpp_tokenize"]["path"], vocab_only=True, verbose=False)
    out["llama_cpp_tokenize"] = [llm.tokenize(t.encode("utf-8"), add_bos=False, special=True)
                                 for t in job["llama_cpp_tokenize"]["texts"]]

if "tokenizer" in job:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(job["tokenizer"]["path"])
    out["tokenizer"] = {"ids": [tokenizer.encode(t, add_special_tokens=False) for t in job["tokenizer"]["texts"]]}

json.dump(out, sys.stdout)
