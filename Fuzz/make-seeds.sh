#!/usr/bin/env bash
# Rewrites Fuzz/seeds/ (committed): tiny-model runs and exports from a release build of peftbench, then
# make_seeds.py with the reference environment (scripts/setup-reference.sh) for the rest. Needs the real model
# (scripts/fetch-model.sh) and METEOR's resources (scripts/fetch-meteor.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/peftbench
cache="${PEFTBENCH_CACHE:-$HOME/.cache/peftbench}"
python="$cache/reference-venv/bin/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$bin export --model smollm2-135m --format hf "$work/real-hf" >/dev/null
$bin export --model tiny --format hf "$work/tiny-hf" >/dev/null
$bin export --model tiny --format gguf --type q8_0 "$work/tiny-q8.gguf" >/dev/null
mkdir -p "$work/adapters"
for method in lora dora adalora vera ia3 prompt ptuning prefix; do
    folder=$($bin run --task e2e --method "$method" --model tiny --steps 1 --batch 2 --seq 64 --eval-limit 2 --eval-batch 2 \
        --forgetting-examples 2 --threads 1 --out "$work/runs")
    cp -r "$folder/adapter" "$work/adapters/peftbench-$method"
    $bin export --run "$folder" --format peft "$work/adapters/peft-$method" >/dev/null
    [ -e "$work/tiny-run" ] || cp -r "$folder" "$work/tiny-run"
done
rm -rf Fuzz/seeds.new
"$python" Fuzz/make_seeds.py Fuzz/seeds.new "$work" "$cache/meteor-1.5" "$PWD"
cp -r Fuzz/seeds/run-yaml Fuzz/seeds.new/ 2>/dev/null || true
rm -rf Fuzz/seeds && mv Fuzz/seeds.new Fuzz/seeds
du -sh Fuzz/seeds/*
