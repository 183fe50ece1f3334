import Foundation
import Synchronization

/// The engine's own multi-threaded loops (elementwise kernels, cross-entropy rows, the optimizer, decoding
/// products, the blocks of every large matrix product). Work is cut into one contiguous chunk per thread, a
/// partition fixed by the thread count, so reductions give the same bits on every run with the same `--threads`.
///
/// The caller runs the first chunk; persistent workers run the others. A worker spins briefly after each job
/// before it sleeps, because waking a sleeping thread costs tens of microseconds — more than a decoding step's
/// small products take — yielding as it spins and sleeping after that, so that it does not hold a core another
/// thread wants.
public enum Parallel {
    nonisolated(unsafe) public private(set) static var threads = 1
    nonisolated(unsafe) private static var pool: WorkerPool?

    /// Set together with the BLAS thread count (`BLASRuntime.setThreads`).
    static func setThreads(_ n: Int) {
        threads = max(1, n)
        if threads > 1 && (pool == nil || pool!.workers.count != threads - 1) { pool = WorkerPool(workers: threads - 1) }
    }

    /// Runs `body` over `0..<count` in `threads` contiguous chunks; inline when the work is too small to share.
    @inline(__always)
    public static func forChunks(_ count: Int, minimumPerThread: Int = 32_768, _ body: (Range<Int>) -> Void) {
        run(count, parts: min(threads, count / max(1, minimumPerThread))) { _, range in body(range) }
    }

    /// Runs `body(part, range)` over `0..<count` cut into one contiguous range per thread (fewer when `count` is
    /// smaller), for loops whose items are too coarse for `forChunks`' minimum and that keep per-part state.
    public static func forParts(_ count: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
        run(count, parts: min(threads, count), body)
    }

    /// Cuts `0..<count` into `parts` contiguous ranges, the first run here and the others on the pool's workers.
    @inline(__always)
    private static func run(_ count: Int, parts: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
        guard parts > 1, let pool else {
            if count > 0 { body(0, 0..<count) }
            return
        }
        isRunningParts = true
        defer { isRunningParts = false }
        withoutActuallyEscaping(body) { body in
            pool.run(parts: parts) { part in body(part, chunk(part, of: parts, count: count)) }
        }
    }

    /// True while a loop's parts run: a product inside one (attention's per-head products) runs on its part's
    /// thread alone instead of being cut across the threads again. Written only by the thread that posts the
    /// parts, before posting and after every part has finished, so the workers' reads are ordered by the pool.
    nonisolated(unsafe) public private(set) static var isRunningParts = false

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

/// Threads that wait for jobs: job k of a `run` goes to worker k−1 while the caller does job 0.
final class WorkerPool: @unchecked Sendable {
    final class Worker: @unchecked Sendable {
        /// Bumped by the caller to post a job; the worker answers by copying it into `finished`.
        let posted = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var job: ((Int) -> Void)?
        nonisolated(unsafe) var part = 0
    }

    let workers: [Worker]
    /// How long a worker spins for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000

    init(workers n: Int) {
        workers = (0..<n).map { _ in Worker() }
        for w in workers {
            let thread = Thread { WorkerPool.loop(w) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    static func loop(_ w: Worker) {
        var seen = 0
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while w.posted.load(ordering: .acquiring) == seen {
                spins += 1
                // Yielding hands the core at once to a thread that wants it (OpenBLAS's own, when it still split
                // products itself: LoRA steps +12% tokens/s, median of 12 alternating runs each).
                if spins & 15 == 0 { sched_yield() }
                if spins & 255 == 0 && DispatchTime.now().uptimeNanoseconds - start > spinNanoseconds {
                    w.sleeping.store(true, ordering: .sequentiallyConsistent)
                    // Re-check after announcing sleep, so a job posted meanwhile is not missed.
                    if w.posted.load(ordering: .sequentiallyConsistent) == seen { w.wake.wait() }
                    w.sleeping.store(false, ordering: .sequentiallyConsistent)
                }
            }
            seen = w.posted.load(ordering: .acquiring)
            w.job?(w.part)
            w.finished.store(seen, ordering: .releasing)
        }
    }

    /// Runs `job(0)` here and `job(1..<parts)` on workers; returns when all are done.
    func run(parts: Int, _ job: (Int) -> Void) {
        withoutActuallyEscaping(job) { job in
            nonisolated(unsafe) let work = job
            var tickets: [Int] = []
            tickets.reserveCapacity(parts - 1)
            for p in 1..<parts {
                let w = workers[p - 1]
                w.job = work
                w.part = p
                let ticket = w.posted.load(ordering: .relaxed) + 1
                w.posted.store(ticket, ordering: .sequentiallyConsistent)
                if w.sleeping.load(ordering: .sequentiallyConsistent) { w.wake.signal() }
                tickets.append(ticket)
            }
            work(0)
            for p in 1..<parts {
                let w = workers[p - 1]
                while w.finished.load(ordering: .acquiring) != tickets[p - 1] {}
                w.job = nil
            }
        }
    }
}
