import Foundation

/// Memory figures of this process, from `/proc/self/status` (Linux).
public enum ProcessStats {
    /// Peak resident set size (VmHWM) in bytes, or nil where the kernel does not report it.
    public static var peakRSSBytes: Int? { statusField("VmHWM") }

    private static func statusField(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kib = Int(parts[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }
}

extension ProcessStats {
    /// Restarts the peak-RSS count (Linux ≥ 4.0: writing 5 to /proc/self/clear_refs), so a benchmark's peak covers
    /// its measured phase rather than loading. Returns false where the kernel refuses.
    @discardableResult
    public static func resetPeakRSS() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }

    /// Minor page faults so far: a step that allocates fresh memory shows up here.
    public static var minorPageFaults: Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_minflt
    }
}
