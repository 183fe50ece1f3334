"""Writes the committed seed corpora under Fuzz/seeds/ (run by make-seeds.sh with the reference environment's
Python): small files in each reader's real format, made by the reference tools (gguf, safetensors) or cut from
real files (SmolLM2's tokenizer.json, METEOR 1.5's jar and paraphrase table, the shipped task data)."""
import gzip, io, json, os, struct, sys, zipfile

import numpy as np
import gguf
from gguf import quants
from safetensors.numpy import save as st_save

out, work, meteor_dir, repo = sys.argv[1:5]
rng = np.random.default_rng(7)


def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def joined(*files):
    """The fuzz harness's multi-file input: every file but the last preceded by its length."""
    b = b""
    for f in files[:-1]:
        b += struct.pack("<I", len(f)) + f
    return b + files[-1]


# --- tokenizer: SmolLM2's tokenizer.json cut to its first 400 ids and the merges among them.
real = json.load(open(os.path.join(work, "real-hf", "tokenizer.json")))
keep = {t: i for t, i in real["model"]["vocab"].items() if i < 400}
merges = [m for m in real["model"]["merges"]
          if all(p in keep for p in (m.split(" ") if isinstance(m, str) else m))
          and ("".join(m.split(" ") if isinstance(m, str) else m)) in keep]
small = dict(real)
small["model"] = dict(real["model"], vocab=keep, merges=merges)
small["added_tokens"] = [t for t in real.get("added_tokens", []) if t["id"] < 400]
put("tokenizer-json", "smollm2-cut.json", json.dumps(small, ensure_ascii=False))
put("tokenizer-json", "tiny.json", open(os.path.join(work, "tiny-hf", "tokenizer.json"), "rb").read())
tokens = sorted(keep, key=keep.get)
gguf_merges = [m if isinstance(m, str) else " ".join(m) for m in merges]


# SmolLM2's own template (the ChatML family, which is what peftbench renders).
chat_template = json.load(open(os.path.join(work, "real-hf", "tokenizer_config.json")))["chat_template"]


# --- GGUF: micro llama models written by the gguf package, one per tensor type family.
def micro_gguf(name, qtype):
    path = os.path.join(work, name)
    w = gguf.GGUFWriter(path, "llama")
    h, ff, vocab = 32, 64, len(tokens)
    w.add_context_length(64); w.add_embedding_length(h); w.add_block_count(1); w.add_feed_forward_length(ff)
    w.add_head_count(2); w.add_head_count_kv(1); w.add_rope_freq_base(10000.0); w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("gpt2"); w.add_tokenizer_pre("smollm")
    w.add_token_list(tokens); w.add_token_types([1] * vocab)
    w.add_token_merges(gguf_merges)
    w.add_bos_token_id(1); w.add_eos_token_id(2)
    w.add_chat_template(chat_template)

    def tensor(tname, shape, q):
        x = rng.standard_normal(shape).astype(np.float32) * 0.1
        if q == "F32":
            w.add_tensor(tname, x)
        elif q == "F16":
            w.add_tensor(tname, x.astype(np.float16))
        else:
            t = gguf.GGMLQuantizationType[q]
            w.add_tensor(tname, quants.quantize(x, t), raw_shape=quants.quant_shape_to_byte_shape(x.shape, t), raw_dtype=t)

    tensor("token_embd.weight", (vocab, h), qtype)
    tensor("output_norm.weight", (h,), "F32")
    tensor("blk.0.attn_norm.weight", (h,), "F32")
    tensor("blk.0.ffn_norm.weight", (h,), "F32")
    for t, shape in [("attn_q", (h, h)), ("attn_k", (16, h)), ("attn_v", (16, h)), ("attn_output", (h, h))]:
        tensor(f"blk.0.{t}.weight", shape, qtype)
    for t, shape in [("ffn_gate", (ff, h)), ("ffn_up", (ff, h)), ("ffn_down", (h, ff))]:
        tensor(f"blk.0.{t}.weight", shape, qtype)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    put("gguf", name.removesuffix(".gguf"), open(path, "rb").read())


for q in ["F32", "F16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"]:
    micro_gguf(f"micro-{q.lower()}.gguf", q)
put("gguf", "tiny-q8_0", open(os.path.join(work, "tiny-q8.gguf"), "rb").read())


# K-quant blocks need rows of 256: a 256-wide embedding table of random blocks (every bit pattern is a block).
def k_gguf(q):
    path = os.path.join(work, f"k-{q}.gguf")
    w = gguf.GGUFWriter(path, "llama")
    w.add_embedding_length(256); w.add_block_count(0); w.add_feed_forward_length(256); w.add_head_count(4)
    w.add_context_length(64); w.add_layer_norm_rms_eps(1e-5)
    t = gguf.GGMLQuantizationType[q]
    block, nbytes = gguf.GGML_QUANT_SIZES[t]
    raw = rng.integers(0, 256, size=(4, 256 // block * nbytes), dtype=np.uint8)
    w.add_tensor("token_embd.weight", raw, raw_shape=raw.shape, raw_dtype=t)
    w.add_tensor("output_norm.weight", np.ones(256, dtype=np.float32))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    put("gguf", f"k-{q.lower()}", open(path, "rb").read())


for q in ["Q4_K", "Q5_K", "Q6_K"]:
    k_gguf(q)

# --- safetensors: every dtype the reader converts, and the tiny model's export.
tensors = {
    "f32": rng.standard_normal((3, 4)).astype(np.float32),
    "f16": rng.standard_normal((2, 5)).astype(np.float16),
    "i64": np.arange(6, dtype=np.int64).reshape(2, 3),
    "i32": np.arange(4, dtype=np.int32),
    "u8": np.arange(3, dtype=np.uint8),
    "scalar": np.array(1.5, dtype=np.float32),
}
put("safetensors", "dtypes", st_save(tensors, metadata={"format": "pt"}))
# numpy has no bfloat16: the file is put together by hand, as the format describes it.
header = json.dumps({"x": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]}}).encode()
header += b" " * (-len(header) % 8)
bf16 = (rng.standard_normal(4).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16).tobytes()
put("safetensors", "bf16", struct.pack("<Q", len(header)) + header + bf16)

# --- adapters: peftbench's exports of the tiny model (PEFT's layout) and its own layout.
for folder in sorted(os.listdir(os.path.join(work, "adapters"))):
    d = os.path.join(work, "adapters", folder)
    put("adapter-config", folder, joined(open(os.path.join(d, "adapter_config.json"), "rb").read(),
                                         open(os.path.join(d, "adapter_model.safetensors"), "rb").read()))

# --- result.json: a tiny run's record.
put("result-json", "tiny-run.json", open(os.path.join(work, "tiny-run", "result.json"), "rb").read())

def entry(name, method):
    """A zip entry with a fixed date, so that the seeds are the same bytes every time they are made."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = method
    return info


# --- METEOR: the jar's four word lists cut short, and the paraphrase table's first 300 entries.
jar = zipfile.ZipFile(os.path.join(meteor_dir, "meteor-1.5.jar"))
small_jar = io.BytesIO()
with zipfile.ZipFile(small_jar, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ["function/english.words", "nonbreaking/english.prefixes", "synonym/english.synsets",
                 "synonym/english.exceptions"]:
        lines = jar.read(name).split(b"\n")
        z.writestr(entry(name, zipfile.ZIP_DEFLATED), b"\n".join(lines[:60]))
with gzip.open(os.path.join(meteor_dir, "paraphrase-en.gz")) as g:
    table = b"".join(next(g) for _ in range(900))
stored = io.BytesIO()
with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
    z.writestr(entry("function/english.words", zipfile.ZIP_STORED), b"the\na\non\n")
    z.writestr(entry("nonbreaking/english.prefixes", zipfile.ZIP_STORED), b"Mr\n")
    z.writestr(entry("synonym/english.synsets", zipfile.ZIP_STORED), b"cat\n1 2\nmat\n3\n")
    z.writestr(entry("synonym/english.exceptions", zipfile.ZIP_STORED), b"sat\nsit\n")
put("meteor", "cut", joined(small_jar.getvalue(), gzip.compress(table, mtime=0)))
put("meteor", "stored", joined(stored.getvalue(), gzip.compress(b"0.5\ncat\ndog\n0.25\nsat on\nsitting on\n", mtime=0)))

# --- task files: the shipped data's first records, and the task, run and suite YAML files.
data = os.path.join(repo, "tasks", "data")
put("e2e-csv", "train-head.csv", b"\n".join(open(os.path.join(data, "e2e", "train.csv"), "rb").read().split(b"\n")[:12]) + b"\n")
put("e2e-csv", "mr-only.csv", b"MR\n" + b"\n".join(l.split(b'",')[0] + b'"' for l in open(os.path.join(data, "e2e", "test.csv"), "rb").read().split(b"\n")[1:5]) + b"\n")
put("gsm8k-jsonl", "train-head.jsonl", b"\n".join(open(os.path.join(data, "gsm8k", "train.jsonl"), "rb").read().split(b"\n")[:4]) + b"\n")
coqa = json.load(open(os.path.join(data, "coqa", "validation.json")))
coqa["data"] = coqa["data"][:2]
put("coqa-json", "validation-head.json", json.dumps(coqa, ensure_ascii=False))
xml = open(os.path.join(data, "webnlg", "train.xml"), encoding="utf-8").read()
cut = xml[: xml.find("</entry>", xml.find("</entry>", xml.find("</entry>") + 1) + 1) + len("</entry>")]
put("webnlg-xml", "train-head.xml", cut + "\n</entries>\n</benchmark>\n")
for f in sorted(os.listdir(os.path.join(repo, "tasks"))):
    if f.endswith(".yaml"):
        put("task-yaml", f, open(os.path.join(repo, "tasks", f), "rb").read())
for f in sorted(os.listdir(os.path.join(repo, "suites"))):
    put("suite-yaml", f, open(os.path.join(repo, "suites", f), "rb").read())

# --- WordNet: the start of data.noun cut at a line, the index lines whose synsets all lie in it, and noun.exc's head.
wn = os.environ.get("PEFTBENCH_WORDNET_DIR") or "/usr/share/wordnet"
body = open(os.path.join(wn, "data.noun"), "rb").read()
body = body[: body.index(b"\n", 60000) + 1]
index_lines = []
for line in open(os.path.join(wn, "index.noun"), "rb").read().split(b"\n"):
    t = line.split(b" ")
    if line.startswith(b" "):  # the licence at the top
        index_lines.append(line)
        continue
    if len(t) < 6:
        continue
    n, p = int(t[2]), int(t[3])
    offsets = [int(x) for x in t[6 + p: 6 + p + n]]
    if offsets and all(o < len(body) for o in offsets):
        index_lines.append(line)
    if len(index_lines) > 120:
        break
exc = b"\n".join(open(os.path.join(wn, "noun.exc"), "rb").read().split(b"\n")[:40]) + b"\n"
put("wordnet", "noun-cut", joined(b"\n".join(index_lines) + b"\n", body, exc))
