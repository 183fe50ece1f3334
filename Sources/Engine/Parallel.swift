import Dispatch

/// The engine's own multi-threaded loops (elementwise kernels, cross-entropy rows, the optimizer). Work is cut into
/// one contiguous chunk per thread, a partition fixed by the thread count, so reductions give the same bits on
/// every run with the same `--threads`.
public enum Parallel {
    nonisolated(unsafe) public private(set) static var threads = 1

    /// Set together with the BLAS thread count (`BLASRuntime.setThreads`).
    static func setThreads(_ n: Int) { threads = max(1, n) }

    /// Runs `body` over `0..<count` in `threads` contiguous chunks; inline when the work is too small to share.
    @inline(__always)
    public static func forChunks(_ count: Int, minimumPerThread: Int = 32_768, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count / max(1, minimumPerThread))
        guard parts > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                work(chunk(part, of: parts, count: count))
            }
        }
    }

    /// Like `forChunks`, returning one Double per chunk in chunk order (for deterministic reductions).
    public static func mapChunks(_ count: Int, minimumPerThread: Int = 32_768, _ body: (Range<Int>) -> Double) -> [Double] {
        let parts = max(1, min(threads, count / max(1, minimumPerThread)))
        var results = [Double](repeating: 0, count: parts)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out
            forChunks(parts, minimumPerThread: 1) { partRange in
                for part in partRange { slots[part] = body(chunk(part, of: parts, count: count)) }
            }
        }
        return results
    }

    @inline(__always)
    static func chunk(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }
}
