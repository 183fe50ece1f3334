import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM (Ctrl-C, or a batch system preempting the job) turned into a flag the run checks at every
/// step, so that it stops cleanly, records itself as interrupted, and the same command continues later.
public enum Interruption {
    nonisolated(unsafe) private static var received: Int32 = 0

    public static func install() {
        for sig in [SIGINT, SIGTERM] {
            Glibc.signal(sig) { Interruption.received = $0 }
        }
    }

    /// The signal received, if any.
    public static var signal: Int32? { received == 0 ? nil : received }

    /// The shell's exit status for a process stopped by the signal: 130 for SIGINT, 143 for SIGTERM.
    public static var exitCode: Int32 { 128 + received }
}
