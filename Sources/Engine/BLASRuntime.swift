import COpenBLAS
import Foundation

/// The OpenBLAS library as loaded in this process: version, kernel ("core") and threads.
///
/// Debian's OpenBLAS picks its kernel when the library loads, from CPUID. On CPUs it does not know it falls back to
/// an SSE3 kernel (Prescott) at a fraction of the speed, and `OPENBLAS_CORETYPE` is read only at load time, so it
/// cannot be fixed from inside the process: `preferredCoreType` says which kernel to ask for, and the executable
/// re-executes itself once with the variable set.
public enum BLASRuntime {
    public static var config: String { String(cString: openblas_get_config()) }
    public static var coreName: String { String(cString: openblas_get_corename()) }
    /// Threads a product and the engine's own loops run on.
    public static var threads: Int { Parallel.threads }

    public static var version: String {
        // The config string starts with "OpenBLAS 0.3.21 …".
        let parts = config.split(separator: " ")
        return parts.count >= 2 && parts[0] == "OpenBLAS" ? String(parts[1]) : config
    }

    /// Threads for the engine's parallel loops and its products. OpenBLAS itself runs on one thread per call:
    /// `GEMM.sgemm` cuts each large product across the engine's threads.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(1)
        Parallel.setThreads(n)
    }

    /// Runs `body` with products split by OpenBLAS on its own threads instead of the engine's, for the sgemm
    /// probe: a run's MFU is measured against the better of the two ways.
    public static func withOpenBLASThreads<T>(_ body: () -> T) -> T {
        openblas_set_num_threads(Int32(Parallel.threads))
        GEMM.cutsAcrossThreads = false
        defer {
            openblas_set_num_threads(1)
            GEMM.cutsAcrossThreads = true
        }
        return body()
    }

    /// Kernels that use AVX2+FMA; anything else on an AVX2 machine is a detection failure.
    static let avx2Cores: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids", "excavator"]
    static let avx512Cores: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]

    /// The `OPENBLAS_CORETYPE` to re-execute with, or nil when the loaded kernel already fits the CPU (or the user
    /// chose one). AVX-512 CPUs want SkylakeX; AVX2-only CPUs want Haswell.
    public static func preferredCoreType(
        loadedCore: String, cpu: CPUInfo, environment: [String: String]
    ) -> String? {
        if let chosen = environment["OPENBLAS_CORETYPE"], !chosen.isEmpty { return nil }
        let core = loadedCore.lowercased()
        if cpu.hasAVX512 { return avx512Cores.contains(core) ? nil : "SkylakeX" }
        if cpu.hasAVX2 { return avx2Cores.contains(core) ? nil : "Haswell" }
        return nil
    }
}
