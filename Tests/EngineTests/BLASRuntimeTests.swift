import Engine
import XCTest

final class BLASRuntimeTests: XCTestCase {
    func cpu(_ flags: [String]) -> CPUInfo {
        CPUInfo(modelName: "test", vendor: "test", family: 6, model: 0xCF, flags: Set(flags), logicalCores: 2)
    }
    let avx512 = ["avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
    let avx2 = ["avx", "avx2", "fma"]

    func testUnknownCPUFallbackIsReplaced() {
        XCTAssertEqual(BLASRuntime.preferredCoreType(loadedCore: "Prescott", cpu: cpu(avx512), environment: [:]), "SkylakeX")
        XCTAssertEqual(BLASRuntime.preferredCoreType(loadedCore: "Haswell", cpu: cpu(avx512), environment: [:]), "SkylakeX")
        XCTAssertEqual(BLASRuntime.preferredCoreType(loadedCore: "Prescott", cpu: cpu(avx2), environment: [:]), "Haswell")
        XCTAssertEqual(BLASRuntime.preferredCoreType(loadedCore: "Sandybridge", cpu: cpu(avx2), environment: [:]), "Haswell")
    }

    func testFittingKernelOrUserChoiceIsKept() {
        XCTAssertNil(BLASRuntime.preferredCoreType(loadedCore: "SkylakeX", cpu: cpu(avx512), environment: [:]))
        XCTAssertNil(BLASRuntime.preferredCoreType(loadedCore: "Cooperlake", cpu: cpu(avx512), environment: [:]))
        XCTAssertNil(BLASRuntime.preferredCoreType(loadedCore: "Zen", cpu: cpu(avx2), environment: [:]))
        XCTAssertNil(BLASRuntime.preferredCoreType(loadedCore: "Haswell", cpu: cpu(avx2), environment: [:]))
        XCTAssertNil(BLASRuntime.preferredCoreType(loadedCore: "Prescott", cpu: cpu(avx512),
                                                   environment: ["OPENBLAS_CORETYPE": "Prescott"]))
        // No AVX2: nothing better to ask for (and SkylakeX would fault).
        XCTAssertNil(BLASRuntime.preferredCoreType(loadedCore: "Prescott", cpu: cpu(["sse4_2"]), environment: [:]))
    }

    func testCPUInfoParsesTheFirstProcessor() {
        let text = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 207
        model name\t: Intel(R) Xeon(R) Platinum 8581C
        flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl amx_tile

        processor\t: 1
        vendor_id\t: Other
        """
        let info = CPUInfo.parse(text, logicalCores: 2)
        XCTAssertEqual(info.vendor, "GenuineIntel")
        XCTAssertEqual(info.model, 207)
        XCTAssertTrue(info.hasAVX512)
        XCTAssertTrue(info.simdFeatures.contains("amx_tile"))
    }

    func testThreadCountIsSettable() {
        let before = BLASRuntime.threads
        BLASRuntime.setThreads(1)
        XCTAssertEqual(BLASRuntime.threads, 1)
        BLASRuntime.setThreads(before)
        XCTAssertEqual(BLASRuntime.threads, before)
    }
}
