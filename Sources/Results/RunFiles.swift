import Foundation

/// Writing a run's files so that a killed run never leaves a file that looks complete: each file is written to a
/// temporary name in the same folder and renamed over the final one.
public enum RunFiles {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    public static func write(_ data: Data, to path: String) throws {
        do { try AtomicFile.write(data, to: path) } catch { throw RunError("\(error)") }
    }

    public static func writeResult(_ result: RunResult, folder: String) throws {
        try write(try encoder().encode(result) + Data("\n".utf8), to: (folder as NSString).appendingPathComponent("result.json"))
    }

    public static func writePredictions(_ predictions: [Prediction], folder: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = Data()
        for p in predictions {
            data.append(try e.encode(p))
            data.append(0x0A)
        }
        try write(data, to: (folder as NSString).appendingPathComponent("predictions.jsonl"))
    }

    public static func readResult(folder: String) throws -> RunResult {
        let path = (folder as NSString).appendingPathComponent("result.json")
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError("\(path): no such file") }
        do { return try decoder().decode(RunResult.self, from: data) } catch {
            throw RunError("\(path): not a peftbench result (\(error))")
        }
    }

    public static func readPredictions(folder: String) throws -> [Prediction] {
        let path = (folder as NSString).appendingPathComponent("predictions.jsonl")
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try data.split(separator: 0x0A).map { try d.decode(Prediction.self, from: Data($0)) }
    }
}
