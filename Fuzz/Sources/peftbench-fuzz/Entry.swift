import Foundation

// libFuzzer's entry points. The target is chosen by `PEFTBENCH_FUZZ_TARGET` (libFuzzer owns the command line);
// scripts/fuzz.sh sets it.

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    _ = FuzzTarget.selected
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Data(bytes: bytes, count: count)
    do {
        try FuzzTarget.selected.run(input, Scratch.shared)
    } catch let violation as Violation {
        // A property broken: libFuzzer keeps the input as a crash.
        FileHandle.standardError.write(Data("peftbench-fuzz \(FuzzTarget.selected.name): \(violation.message)\n".utf8))
        abort()
    } catch {
        FileHandle.standardError.write(Data("peftbench-fuzz \(FuzzTarget.selected.name): harness error \(error)\n".utf8))
        abort()
    }
    return 0
}
