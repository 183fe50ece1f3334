"""NLTK's default Porter stemmer (what rouge-score's use_stemmer calls) on a JSON list of words."""
import json
import sys

from nltk.stem import porter

stemmer = porter.PorterStemmer()
json.dump([stemmer.stem(w) for w in json.load(open(sys.argv[1], encoding="utf-8"))], sys.stdout)
