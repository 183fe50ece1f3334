import Foundation
import Engine
import Tasks
import XCTest

/// Random bytes and random mutations of valid files, fed to every loader: each must return or throw a one-line
/// `TaskDataError`, never crash, and never take long.
final class LoaderFuzzTests: XCTestCase {
    func seeds(_ format: TaskFormat) -> [Data] {
        switch format {
        case .e2e: return [Data(E2ELoaderTests.devStyle.utf8), Data(E2ELoaderTests.testStyle.utf8)]
        case .webnlg: return [Data(WebNLGLoaderTests.challenge2017.utf8), Data(WebNLGLoaderTests.russian.utf8)]
        case .gsm8k: return [Data(GSM8KLoaderTests.records.utf8)]
        case .coqa: return [Data(CoQALoaderTests.document().utf8)]
        }
    }

    func mutate(_ data: Data, _ random: inout RandomGenerator) -> Data {
        var bytes = [UInt8](data)
        let interesting: [UInt8] = Array("\"',[]{}<>|#:\r\n\\&;".utf8) + [0x00, 0xC3, 0xA9, 0xFF, 0xE2, 0x80]
        for _ in 0..<(1 + Int(random.next() % 6)) {
            guard !bytes.isEmpty else { break }
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 5 {
            case 0: bytes[at] = interesting[Int(random.next() % UInt64(interesting.count))]
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: at)
            case 3: bytes = Array(bytes.prefix(at))  // truncation
            default:
                let end = min(bytes.count, at + Int(random.next() % 40))
                bytes.insert(contentsOf: bytes[at..<end], at: at)  // duplicated span
            }
        }
        return Data(bytes)
    }

    func testLoadersSurviveRandomAndMutatedInput() throws {
        let f = try TaskFileFixture()
        var random = RandomGenerator(seed: 99)
        for format in TaskFormat.allCases {
            var accepted = 0, rejected = 0
            let started = Date()
            for i in 0..<400 {
                let data: Data
                if i < 60 {
                    data = Data((0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
                } else {
                    let seeds = seeds(format)
                    data = mutate(seeds[i % seeds.count], &random)
                }
                let path = try f.write("fuzz-\(format.rawValue).\(i)", data)
                do {
                    _ = try format.load(path)
                    accepted += 1
                } catch let error as TaskDataError {
                    XCTAssertFalse(error.description.contains("\n"))
                    rejected += 1
                } catch {
                    XCTFail("\(format) input \(i): not a TaskDataError: \(error)")
                }
            }
            XCTAssertGreaterThan(rejected, 50, "\(format)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 60, "\(format): 400 loads took too long")
            print("fuzz \(format.rawValue): \(accepted) accepted, \(rejected) rejected")
        }
    }
}
