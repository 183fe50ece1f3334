#!/usr/bin/env bash
# The numeric code under the sanitizers, on debug builds and the tiny models the tests use:
#   AddressSanitizer: the Engine, Model and Methods tests (every kernel, layer and method, gradient checks included);
#   ThreadSanitizer: the tests that run the engine's parallel loops on two threads.
# Each build keeps its own folder (.build-asan, .build-tsan) beside the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
only="${1:-all}"

if [ "$only" = all ] || [ "$only" = address ]; then
    echo "sanitizers: AddressSanitizer build" >&2
    swift build --build-tests --sanitize address --scratch-path .build-asan 2>&1 | grep -E "error:|Build complete" >&2
    echo "sanitizers: Engine, Model and Methods tests under AddressSanitizer" >&2
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" swift test --skip-build --sanitize address --scratch-path .build-asan \
        --disable-swift-testing --filter 'EngineTests|ModelTests|MethodTests'
fi
if [ "$only" = all ] || [ "$only" = thread ]; then
    echo "sanitizers: ThreadSanitizer build" >&2
    swift build --build-tests --sanitize thread --scratch-path .build-tsan 2>&1 | grep -E "error:|Build complete" >&2
    echo "sanitizers: the parallel loops under ThreadSanitizer" >&2
    TSAN_OPTIONS="halt_on_error=1" swift test --skip-build --sanitize thread --scratch-path .build-tsan \
        --disable-swift-testing --filter 'EngineTests.ParallelTests|ModelTests.DecoderThreadsTests'
fi
