import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A program the tests start, in its own process group, watched with `waitpid` and `poll` rather than Foundation's
/// `Process`, whose `waitUntilExit` can wait forever on Linux after many children. Every wait has a deadline: a
/// command that outlives it is killed with its whole group and the test fails, naming it — a stuck child costs a
/// test, never the test run.
public final class Command {
    public struct Output {
        /// The exit code, or 128 + the signal that ended it (as a shell reports it).
        public var status: Int32
        public var stdoutData: Data
        public var stderrData: Data
        public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    }

    public let pid: pid_t
    let description: String
    private var readEnds: [Int32]
    private var captured: [Data]
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`. Standard output and error are captured unless `stderrFile` is given
    /// (standard error then goes to that file and standard output is discarded).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, stderrFile: String? = nil) throws {
        description = ([(executable as NSString).lastPathComponent] + arguments).joined(separator: " ")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pipes: [[Int32]] = []
        if let stderrFile {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, stderrFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            for target: Int32 in [1, 2] {
                var fds: [Int32] = [0, 0]
                guard pipe(&fds) == 0 else { throw Failure("pipe: \(String(cString: strerror(errno)))") }
                for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                posix_spawn_file_actions_adddup2(&actions, fds[1], target)
                pipes.append(fds)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own group, so that a timeout stops whatever it started too; default signal handling whatever the
        // test process set.
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t(), empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let env = environment ?? ProcessInfo.processInfo.environment
        // glibc's posix_spawn_file_actions_addchdir_np is not visible from Swift; env(1) changes the folder instead.
        let command = directory.map { ["/usr/bin/env", "-C", $0, executable] } ?? [executable]
        let argv: [UnsafeMutablePointer<CChar>?] = (command + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, command[0], &actions, &attributes, argv, envp)
        for fds in pipes { close(fds[1]) }
        guard spawned == 0 else {
            for fds in pipes { close(fds[0]) }
            throw Failure("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        readEnds = pipes.map { $0[0] }
        for fd in readEnds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        captured = readEnds.map { _ in Data() }
    }

    deinit {
        if exitStatus == nil { kill(-pid, SIGKILL); _ = reap(blocking: true) }
        for fd in readEnds { close(fd) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Runs a command to its end and returns what it printed.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, timeout: TimeInterval = 900,
                           file: StaticString = #filePath, line: UInt = #line) throws -> Output {
        let command = try Command(executable, arguments, environment: environment, directory: directory)
        return try command.wait(timeout: timeout, file: file, line: line)
    }

    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the command to end, reading what it prints meanwhile. Past the deadline its group is killed, the
    /// test fails and this throws.
    @discardableResult
    public func wait(timeout: TimeInterval = 900, file: StaticString = #filePath, line: UInt = #line) throws -> Output {
        let deadline = Date().addingTimeInterval(timeout)
        while exitStatus == nil {
            if reap(blocking: false) { break }
            if Date() > deadline {
                kill(-pid, SIGKILL)
                _ = reap(blocking: true)
                let output = self.output
                XCTFail("'\(description)' did not end within \(Int(timeout)) s; stderr: \(output.stderr.suffix(2000))", file: file, line: line)
                throw Failure("'\(description)' timed out")
            }
            pump(waitingMilliseconds: 50)
        }
        // What it wrote before it ended; a process it left behind may hold the pipes open, so no waiting for EOF.
        pump(waitingMilliseconds: 0)
        return output
    }

    /// The first line it prints, once printed.
    public func firstLine(timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            pump(waitingMilliseconds: 50)
            if let newline = captured.first?.firstIndex(of: 0x0A) {
                return String(decoding: captured[0][..<newline], as: UTF8.self)
            }
            if hasEnded || Date() > deadline { throw Failure("'\(description)' printed no line: \(output.stderr.suffix(2000))") }
        }
    }

    /// Whether it has ended (without waiting).
    public var hasEnded: Bool { exitStatus != nil || reap(blocking: false) }

    private var output: Output {
        Output(status: exitStatus ?? -1, stdoutData: captured.first ?? Data(), stderrData: captured.count > 1 ? captured[1] : Data())
    }

    private func reap(blocking: Bool) -> Bool {
        var status: Int32 = 0
        let r = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        guard r == pid else { return false }
        exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return true
    }

    private func pump(waitingMilliseconds: Int32) {
        guard !readEnds.isEmpty else { usleep(UInt32(waitingMilliseconds) * 1000); return }
        var fds = readEnds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&fds, nfds_t(fds.count), waitingMilliseconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        for (i, fd) in readEnds.enumerated() {
            while true {
                let n = read(fd, &buffer, buffer.count)
                guard n > 0 else { break }
                captured[i].append(contentsOf: buffer[0..<n])
            }
        }
    }
}
