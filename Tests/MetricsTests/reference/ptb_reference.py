"""pycocoevalcap's PTB tokenization (Stanford CoreNLP 3.4.1 run with Java), for the parity tests.

Input: a JSON list of strings. Output: a JSON list of the tokenized, punctuation-free strings, one per input.
"""
import json
import sys

from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

lines = json.load(open(sys.argv[1], encoding="utf-8"))
result = PTBTokenizer().tokenize({i: [{"caption": line}] for i, line in enumerate(lines)})
json.dump([result[i][0] for i in range(len(lines))], sys.stdout)
