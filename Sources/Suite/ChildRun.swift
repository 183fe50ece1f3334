import Foundation
import Harness
#if canImport(Glibc)
import Glibc
import Results
#endif

/// One run in its own process (`peftbench suite worker`), watched by the suite: its events arrive as JSON lines on
/// a pipe, its stderr goes to `stderr.log` in its work folder, and the suite stops it at its wall-clock or memory
/// limit, forwards SIGINT/SIGTERM to it, and keeps its claim's heartbeat fresh. The child asks the kernel to kill
/// it when the suite dies (PR_SET_PDEATHSIG), so no orphan keeps computing after a `kill -9`.
public final class ChildRun {
    enum Exit: Equatable { case exited(Int32), signaled(Int32) }
    enum Stop: Equatable { case timeLimit, memoryLimit, interrupted, lostClaim }

    struct Outcome {
        var exit: Exit
        /// Why the suite stopped it, if it did.
        var stoppedBy: Stop?
        var peakRSS: Int
        var seconds: Double
    }

    let arguments: [String]
    let workFolder: String
    var limits: SuiteFile.Limits
    /// Called for every event the child reports, and every second with nil (for redrawing and heartbeats).
    var onTick: (RunEvent?) -> Bool = { _ in true }

    init(arguments: [String], workFolder: String, limits: SuiteFile.Limits) {
        self.arguments = arguments
        self.workFolder = workFolder
        self.limits = limits
    }

    var stderrPath: String { (workFolder as NSString).appendingPathComponent("stderr.log") }

    /// This program's file. Rebuilt while a suite runs, the old file is gone ("… (deleted)") and the new one at
    /// the same path runs the rest of the suite.
    public static var executable: String {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return CommandLine.arguments[0] }
        return path.hasSuffix(" (deleted)") ? String(path.dropLast(" (deleted)".count)) : path
    }

    func run() throws -> Outcome {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw RunError("cannot create a pipe (\(String(cString: strerror(errno))))") }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        // Neither end leaks into other children; dup2 gives the child its stdout without the flag.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default SIGINT/SIGTERM handling and nothing blocked, whatever the suite installed.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let exe = Self.executable
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + arguments).map { strdup($0) } + [nil]
        var environment = ProcessInfo.processInfo.environment
        environment["PEFTBENCH_PARENT_PID"] = String(getpid())
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, exe, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw RunError("cannot start \(exe) (\(String(cString: strerror(spawned))))")
        }
        defer { close(readEnd) }
        return watch(pid: pid, events: readEnd)
    }

    private func watch(pid: pid_t, events fd: Int32) -> Outcome {
        let clock = Date()
        var stoppedBy: Stop?
        var peak = 0
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var forwardedAt: Date?
        var lastTick = Date.distantPast
        var pipeOpen = true
        while true {
            var status: Int32 = 0
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid {
                // Whatever the child wrote last is still in the pipe.
                if pipeOpen { drain(fd, &pending, &buffer) }
                let exit: Exit = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
                return Outcome(exit: exit, stoppedBy: stoppedBy, peakRSS: peak, seconds: Date().timeIntervalSince(clock))
            }
            if pipeOpen {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, 100) > 0 {
                    let n = read(fd, &buffer, buffer.count)
                    if n > 0 {
                        pending.append(contentsOf: buffer[0..<n])
                        deliver(&pending)
                    } else if n == 0 {
                        pipeOpen = false
                    }
                }
            } else {
                usleep(100_000)
            }
            if let rss = Self.residentBytes(pid) {
                peak = max(peak, rss)
                if let limit = limits.memory, rss > limit, stoppedBy == nil {
                    stoppedBy = .memoryLimit
                    kill(pid, SIGKILL)
                }
            }
            let elapsed = Date().timeIntervalSince(clock)
            if let limit = limits.wallClock, elapsed > limit, stoppedBy == nil {
                stoppedBy = .timeLimit
                kill(pid, SIGKILL)
            }
            if Interruption.signal != nil, stoppedBy == nil {
                // The run stops at its next step and records itself; a child that does not is killed after 60 s.
                stoppedBy = .interrupted
                forwardedAt = Date()
                kill(pid, SIGTERM)
            }
            if let forwardedAt, Date().timeIntervalSince(forwardedAt) > 60 { kill(pid, SIGKILL) }
            if Date().timeIntervalSince(lastTick) >= 1 {
                lastTick = Date()
                if !onTick(nil), stoppedBy == nil {
                    stoppedBy = .lostClaim
                    kill(pid, SIGKILL)
                }
            }
        }
    }

    private func drain(_ fd: Int32, _ pending: inout Data, _ buffer: inout [UInt8]) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            pending.append(contentsOf: buffer[0..<n])
        }
        deliver(&pending)
    }

    private func deliver(_ pending: inout Data) {
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = pending[pending.startIndex..<newline]
            pending = Data(pending[pending.index(after: newline)...])
            if let event = try? JSONDecoder().decode(RunEvent.self, from: Data(line)) { _ = onTick(event) }
        }
    }

    /// Resident memory of a process (VmRSS), nil when it is gone.
    static func residentBytes(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
    }

    /// The last lines of the child's stderr, for the record of a run that died. When the Swift runtime printed a
    /// crash report, the lines before it, its first line and the top of the crashed thread's stack (the registers and
    /// images that end the report say little; the whole report stays in the run's `stderr.log`).
    func stderrTail(_ count: Int = 20) -> [String] {
        guard let data = FileManager.default.contents(atPath: stderrPath) else { return [] }
        let text = String(decoding: data.suffix(262_144), as: UTF8.self)
        // Progress lines rewritten with \r show as their last state.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0.split(separator: "\r").last ?? "") }
        if let crash = lines.firstIndex(where: { $0.contains("Program crashed") }) {
            let before = lines[max(0, crash - count / 2)..<crash]
            let stack = lines[(crash + 1)...].prefix(count / 2)
            return Array(before) + [lines[crash]] + Array(stack)
        }
        return Array(lines.suffix(count))
    }
}
