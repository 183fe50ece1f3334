import Engine
import Foundation

/// Gets OpenBLAS's fast kernel without the user knowing about `OPENBLAS_CORETYPE`: when the kernel the library
/// picked at load time does not fit the CPU's vector units, run this same program again, once, with the variable
/// set (it is only read while the library loads, so setting it now would be too late).
enum BLASKernelSelection {
    static let guardVariable = "PEFTBENCH_BLAS_REEXEC"

    static func ensureFastKernel() {
        let env = ProcessInfo.processInfo.environment
        guard env[guardVariable] == nil,
              let core = BLASRuntime.preferredCoreType(loadedCore: BLASRuntime.coreName, cpu: .current, environment: env)
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(guardVariable, "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with the kernel we have, and say so.
        FileHandle.standardError.write(Data(
            "peftbench: warning: could not restart with OPENBLAS_CORETYPE=\(core); running on the \(BLASRuntime.coreName) kernel\n".utf8))
    }
}
