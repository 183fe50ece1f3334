"""nltk's Snowball English (Porter2) stemmer, for the parity tests. Input: a JSON list of words; output: their stems."""
import json
import sys

from nltk.stem.snowball import SnowballStemmer

stemmer = SnowballStemmer("english")
json.dump([stemmer.stem(w) for w in json.load(open(sys.argv[1], encoding="utf-8"))], sys.stdout)
