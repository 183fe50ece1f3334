import Foundation

/// Per-segment work spread over the cores: segments are independent, so each thread takes a contiguous share with
/// its own scratch, and the results come back in segment order (the same values as one thread would give).
enum SegmentParallel {
    static let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    static func map<W, R>(_ count: Int, minimumPerThread: Int = 64, make: () -> W, _ body: (Int, inout W) -> R) -> [R] {
        let parts = max(1, min(threads, count / minimumPerThread))
        if parts == 1 {
            var w = make()
            return (0..<count).map { body($0, &w) }
        }
        var results = [R?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out
            withoutActuallyEscaping(body) { body in
                withoutActuallyEscaping(make) { make in
                    nonisolated(unsafe) let body = body, make = make
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        var w = make()
                        for i in (count * part / parts)..<(count * (part + 1) / parts) { slots[i] = body(i, &w) }
                    }
                }
            }
        }
        return results.map { $0! }
    }
}
