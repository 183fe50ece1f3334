import Foundation

/// What the CPU offers, read from `/proc/cpuinfo` (Linux). Used to choose the OpenBLAS kernel and to print the
/// environment a result was measured on.
public struct CPUInfo: Sendable {
    public let modelName: String
    public let vendor: String
    public let family: Int?
    public let model: Int?
    public let flags: Set<String>
    public let logicalCores: Int

    public static let current = CPUInfo.read()

    public init(modelName: String, vendor: String, family: Int?, model: Int?, flags: Set<String>, logicalCores: Int) {
        self.modelName = modelName
        self.vendor = vendor
        self.family = family
        self.model = model
        self.flags = flags
        self.logicalCores = logicalCores
    }

    static func read() -> CPUInfo {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return CPUInfo(modelName: "unknown", vendor: "unknown", family: nil, model: nil, flags: [], logicalCores: cores)
        }
        return parse(text, logicalCores: cores)
    }

    /// Parses the first processor block of a `/proc/cpuinfo` text.
    public static func parse(_ text: String, logicalCores: Int) -> CPUInfo {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty, !fields.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = value }
        }
        return CPUInfo(
            modelName: fields["model name"] ?? "unknown",
            vendor: fields["vendor_id"] ?? "unknown",
            family: fields["cpu family"].flatMap { Int($0) },
            model: fields["model"].flatMap { Int($0) },
            flags: Set((fields["flags"] ?? "").split(separator: " ").map(String.init)),
            logicalCores: logicalCores)
    }

    /// The subset of AVX-512 that OpenBLAS's SkylakeX kernels execute.
    public var hasAVX512: Bool { ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) }
    public var hasAVX2: Bool { flags.contains("avx2") && flags.contains("fma") }

    /// SIMD features worth printing, in a stable order.
    public var simdFeatures: [String] {
        ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_vnni",
         "amx_tile", "amx_bf16"].filter(flags.contains)
    }
}
