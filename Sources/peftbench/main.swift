import ArgumentParser
import Engine
import Foundation

BLASKernelSelection.ensureFastKernel()

// ArgumentParser prints usage after an error; peftbench answers a bad flag or value with one line and a non-zero
// exit, and keeps help output as it is.
do {
    var command = try Peftbench.parseAsRoot()
    try command.run()
} catch let exit as ExitCode {
    // A command that already said why (a suite's failed runs, an interruption) ends with its status alone.
    Foundation.exit(exit.rawValue)
} catch {
    let code = Peftbench.exitCode(for: error)
    if code == .success { Peftbench.exit(withError: error) }
    let message = Peftbench.message(for: error)
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        .joined(separator: "; ")
    FileHandle.standardError.write(Data("peftbench: \(message.isEmpty ? "\(error)" : message)\n".utf8))
    exit(code.rawValue == 0 ? 1 : code.rawValue)
}
