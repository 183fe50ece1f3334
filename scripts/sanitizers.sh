#!/usr/bin/env bash
# The numeric code under the sanitizers, on debug builds and the tiny models the tests use:
#   AddressSanitizer: the Engine, Model and Methods tests (every kernel, layer and method, gradient checks included);
#   ThreadSanitizer: the tests that run the engine's parallel loops on two threads.
# Each build keeps its own folder (.build-address, .build-thread) beside the release build.
#
#   scripts/sanitizers.sh [all|address|thread]
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
only="${1:-all}"

# sanitized NAME WHAT FILTER: builds the tests with the sanitizer NAME and runs those FILTER selects.
sanitized() {
    local name=$1 what=$2 filter=$3
    echo "sanitizers: $name build" >&2
    swift build --build-tests --sanitize "$name" --scratch-path ".build-$name" 2>&1 | grep -E "error:|Build complete" >&2
    echo "sanitizers: $what under the $name sanitizer" >&2
    swift test --skip-build --sanitize "$name" --scratch-path ".build-$name" --disable-swift-testing --filter "$filter"
}

# Leaks are the fuzzing harnesses' to find (each input is checked on its own); a test process keeps XCTest's and
# the runtime's allocations to its end.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" TSAN_OPTIONS="halt_on_error=1"
case "$only" in
    all|address|thread) ;;
    *) echo "usage: scripts/sanitizers.sh [all|address|thread]" >&2; exit 2 ;;
esac
[ "$only" = thread ] || sanitized address "the Engine, Model and Methods tests" 'EngineTests|ModelTests|MethodTests'
[ "$only" = address ] || sanitized thread "the parallel loops" 'EngineTests.ParallelTests|EngineTests.GEMMCutTests|ModelTests.DecoderThreadsTests'
