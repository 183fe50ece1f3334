"""The reference tokenizer for SmolLM2: Hugging Face `tokenizers` built from the GGUF file's own vocabulary, merges and
control tokens, with SmolLM2's pre-tokenizer — Digits(individual_digits=True) then the byte-level GPT-2 split — and
the byte-level decoder. (transformers' GGUF loader drops the Digits step; the model's tokenizer.json has it.)
Usage: tokenize_reference.py MODEL.gguf TEXTS.json → {"ids": [[...]], "decoded": [...]} on stdout.
"""
import json
import sys

import gguf
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

reader = gguf.GGUFReader(sys.argv[1])


def strings(key):
    field = reader.fields[key]
    return [bytes(field.parts[i]).decode("utf-8") for i in field.data]


tokens = strings("tokenizer.ggml.tokens")
merges = [tuple(m.split(" ", 1)) for m in strings("tokenizer.ggml.merges")]
types = reader.fields["tokenizer.ggml.token_type"]
kinds = [int(types.parts[i][0]) for i in types.data]
tokenizer = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges))
tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
    pre_tokenizers.Digits(individual_digits=True),
    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
])
tokenizer.decoder = decoders.ByteLevel()
# Control (3) and user-defined (4) tokens are matched whole, as the model's tokenizer.json declares them.
tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t, k in zip(tokens, kinds) if k in (3, 4)])
texts = json.load(open(sys.argv[2], encoding="utf-8"))
encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
ids = [e.ids for e in encodings]
json.dump({"ids": ids, "decoded": tokenizer.decode_batch(ids, skip_special_tokens=False)}, sys.stdout)
