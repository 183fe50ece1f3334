import Checkpoints
import Foundation

/// Model files and tokenizers: GGUF (header, metadata, tensor table, and the model and tokenizer built from them),
/// safetensors (header and tensor data) and `tokenizer.json`.
enum ModelTargets {
    static let all = [gguf, safetensors, tokenizerJSON]

    /// Text that touches every path of a byte-level BPE encoder: ASCII, digits, accents, CJK, an emoji sequence,
    /// control characters and special-token spellings.
    static let probe = "Hello, world! 12345 café naïve 漢字 👩‍👩‍👧 \t\r\n<|im_start|>user<|im_end|> \u{0600}x"

    static let gguf = FuzzTarget(name: "gguf") { input, scratch in
        let path = try scratch.write(input, as: "model.gguf")
        guard let file = try accepting(path, { try GGUFFile(path: path) }) else { return }
        // Every tensor dequantized on its own, whether or not it makes a model.
        for info in file.tensors {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, info.elementCount))
            defer { buffer.deallocate() }
            _ = try accepting(path) { try file.read(info, into: buffer) }
        }
        _ = try accepting(path) { try CheckpointLoader.load(gguf: file) }
        if let tokenizer = try accepting(path, { try TokenizerLoader.load(gguf: file) }) {
            _ = tokenizer.decode(tokenizer.encode(probe))
        }
    }

    static let safetensors = FuzzTarget(name: "safetensors") { input, scratch in
        let path = try scratch.write(input, as: "model.safetensors")
        guard let file = try accepting(path, { try SafetensorsFile(path: path) }) else { return }
        for info in file.tensors.values.sorted(by: { $0.name < $1.name }) {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, info.elementCount))
            defer { buffer.deallocate() }
            _ = try accepting(path) { try file.read(info, into: buffer) }
        }
    }

    static let tokenizerJSON = FuzzTarget(name: "tokenizer-json") { input, scratch in
        let folder = try scratch.emptyFolder("tokenizer")
        let path = try scratch.write(input, as: "tokenizer/tokenizer.json")
        guard let tokenizer = try accepting(path, { try TokenizerLoader.load(huggingFaceFolder: folder) }) else { return }
        _ = tokenizer.decode(tokenizer.encode(probe))
    }
}
