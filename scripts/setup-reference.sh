#!/usr/bin/env bash
# Installs the reference stack (torch, transformers, peft, safetensors, gguf, and llama.cpp through llama-cpp-python,
# which compiles llama.cpp: a C++ compiler is needed) into a virtual environment of its own, for the tests that load
# peftbench's exports with the real libraries; prints that environment's python.
# peftbench itself never needs it. Pinned, so that a test failure is peftbench's and not a new release's.
set -euo pipefail
cache="${PEFTBENCH_CACHE:-$HOME/.cache/peftbench}"
venv="${PEFTBENCH_REFERENCE_VENV:-$cache/reference-venv}"
check='import torch, transformers, peft, safetensors, gguf, llama_cpp'
if "$venv/bin/python" -c "$check" >/dev/null 2>&1; then echo "$venv/bin/python"; exit 0; fi

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  version=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  echo "setup-reference: installing python${version}-venv" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "python${version}-venv" >/dev/null
fi
mkdir -p "$(dirname "$venv")"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
echo "setup-reference: installing torch, transformers, peft, safetensors, gguf, llama-cpp-python into $venv (about 8 minutes)" >&2
command -v c++ >/dev/null || { echo "setup-reference: llama-cpp-python needs a C++ compiler (apt-get install g++)" >&2; exit 1; }
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  torch==2.15.0 transformers==5.24.0 peft==0.21.2 safetensors==0.8.0 gguf==0.19.0 llama-cpp-python==0.3.36 >&2
"$venv/bin/python" -c "$check"
echo "$venv/bin/python"
