import Foundation
import XCTest

final class MethodsCLITests: XCTestCase {
    let cli = CLI()

    override func setUpWithError() throws { try CLI.requireBuilt() }

    func testListAndDescribe() throws {
        let list = try cli.run(["methods", "list", "--json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let names = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(names), ["full", "lora", "lora-fa", "dora", "qlora", "adalora", "vera", "ia3", "bitfit", "adapter", "prompt", "ptuning", "prefix"])
        let d = try cli.json(try cli.run(["methods", "describe", "--method", "lora", "--model", "tiny", "--param", "r=4",
                                          "--param", "target_modules=q_proj,v_proj", "--json"]).stdout)
        // tiny: 2 layers × r·(in + out) for q (64→64) and v (64→32)
        XCTAssertEqual(d["trainable"] as? Int, 2 * 4 * (64 + 64 + 64 + 32))
        XCTAssertEqual((d["target_modules"] as? [String])?.count, 4)
        XCTAssertEqual((d["config"] as? [String: String])?["r"], "4")
    }

    func testBenchTrainWithAMethod() throws {
        let r = try cli.run(["bench", "train", "--model", "tiny", "--method", "adalora", "--param", "init_r=4", "--param", "target_r=2",
                             "--batch", "2", "--seq", "16", "--steps", "3", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try cli.json(r.stdout)
        XCTAssertEqual(report["method"] as? String, "adalora")
        XCTAssertLessThan(report["trainable_parameters"] as? Int ?? .max, report["total_parameters"] as? Int ?? 0)
    }

    func testBadMethodInputsAreOneLineErrors() throws {
        for args in [["methods", "describe", "--method", "nope", "--model", "tiny"],
                     ["methods", "describe", "--method", "lora", "--model", "tiny", "--param", "rank=8"],
                     ["methods", "describe", "--method", "lora", "--model", "tiny", "--param", "r"],
                     ["bench", "train", "--method", "lora", "--param", "r=-1"]] {
            let r = try cli.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
        }
    }
}
