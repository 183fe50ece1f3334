#!/usr/bin/env bash
# libFuzzer harnesses for every reader of files from outside (Fuzz/), built with AddressSanitizer.
#
#   scripts/fuzz.sh list                      the harnesses
#   scripts/fuzz.sh run TARGET SECONDS [DIR]  fuzz one harness; its growing corpus and any crash go under DIR
#                                             (default fuzz-out/), seeded from Fuzz/seeds/TARGET
#   scripts/fuzz.sh all SECONDS [DIR]         every harness in turn, SECONDS each
#   scripts/fuzz.sh replay                    every seed and every kept crash (Fuzz/regressions/) through its harness
#   scripts/fuzz.sh ci                        replay, then every harness for $PEFTBENCH_FUZZ_SECONDS (default 15) s
#                                             (failing inputs kept in fuzz-out/ci/crashes/)
#
# A crash, a leak, an input slower than 10 s, more than 2 GB of memory or one allocation over 1 GB fails the run;
# libFuzzer writes the input to DIR/crashes/TARGET/. Fix it and keep it in Fuzz/regressions/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin="$root/Fuzz/.build/debug/peftbench-fuzz"
targets=(gguf safetensors tokenizer-json e2e-csv webnlg-xml gsm8k-jsonl coqa-json task-yaml run-yaml suite-yaml adapter-config result-json meteor wordnet)
# Swift's crash reporter would symbolicate for minutes; libFuzzer and AddressSanitizer report themselves.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export LSAN_OPTIONS="suppressions=$root/Fuzz/lsan.supp:print_suppressions=0"
limits=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10)

build() {
    echo "fuzz: building the harnesses (fuzzer + address sanitizer)" >&2
    (cd Fuzz && swift build --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer 2>&1 \
        | grep -v "Cannot export local symbol" | grep -E "error|warning: unre|Build complete|Compiling peftbench" >&2 || true)
    [ -x "$bin" ] || { echo "fuzz: the build failed" >&2; exit 1; }
}

known() { for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; echo "fuzz: no harness '$1' (scripts/fuzz.sh list)" >&2; exit 2; }

# replay TARGET: each seed and regression input once; any failure stops with the input named.
replay() {
    local target=$1 files=()
    for dir in Fuzz/seeds/$target Fuzz/regressions/$target; do
        [ -d "$dir" ] && while IFS= read -r f; do files+=("$f"); done < <(find "$dir" -type f | sort)
    done
    [ ${#files[@]} -gt 0 ] || return 0
    PEFTBENCH_FUZZ_TARGET=$target "$bin" "${limits[@]}" "${files[@]}" >/dev/null 2>"$workdir/replay-$target.log" || {
        cat "$workdir/replay-$target.log" >&2
        echo "fuzz: $target failed on a kept input (above)" >&2
        exit 1
    }
    echo "fuzz: $target: ${#files[@]} kept inputs pass" >&2
}

# fuzz TARGET SECONDS DIR
fuzz() {
    local target=$1 seconds=$2 out=$3
    mkdir -p "$out/corpus/$target" "$out/crashes/$target"
    local log="$out/$target.log"
    local dirs=("$out/corpus/$target" "Fuzz/seeds/$target")
    [ -d "Fuzz/regressions/$target" ] && dirs+=("Fuzz/regressions/$target")
    local status=0
    PEFTBENCH_FUZZ_TARGET=$target "$bin" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$target/" "${dirs[@]}" >"$log" 2>&1 || status=$?
    local runs; runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || echo "?")
    local cov; cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -1 || true)
    if [ "$status" -ne 0 ]; then
        grep -aE "ERROR|peftbench-fuzz|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -20 >&2
        echo "fuzz: $target FAILED after ${seconds}s budget ($runs executions); input and log in $out" >&2
        return 1
    fi
    echo "fuzz: $target: $runs executions in ${seconds}s, $cov, no failure" >&2
}

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
case "${1:-}" in
    list) printf '%s\n' "${targets[@]}" ;;
    run)
        [ $# -ge 3 ] || { echo "usage: scripts/fuzz.sh run TARGET SECONDS [DIR]" >&2; exit 2; }
        known "$2"; build; fuzz "$2" "$3" "${4:-fuzz-out}" ;;
    all)
        [ $# -ge 2 ] || { echo "usage: scripts/fuzz.sh all SECONDS [DIR]" >&2; exit 2; }
        build; failed=0
        for t in "${targets[@]}"; do fuzz "$t" "$2" "${3:-fuzz-out}" || failed=1; done
        exit $failed ;;
    replay) build; for t in "${targets[@]}"; do replay "$t"; done ;;
    ci)
        build
        for t in "${targets[@]}"; do replay "$t"; done
        # Kept after the run (fuzz-out/ is not committed): a failing input must outlive the job that found it.
        rm -rf fuzz-out/ci
        failed=0
        for t in "${targets[@]}"; do fuzz "$t" "${PEFTBENCH_FUZZ_SECONDS:-15}" fuzz-out/ci || failed=1; done
        [ $failed -eq 0 ] || { echo "fuzz: a harness failed; its input is in fuzz-out/ci/crashes/" >&2; exit 1; }
        ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
