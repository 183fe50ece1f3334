import ArgumentParser
import Checkpoints
import Foundation
import Interchange
import Methods
import Results

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's adapter in Hugging Face PEFT's layout, or a tuned (or base) model as a Hugging Face folder or a GGUF file.",
        discussion: """
        --format peft: adapter_config.json + adapter_model.safetensors, for PeftModel.from_pretrained (LoRA, rsLoRA, \
        DoRA, AdaLoRA, VeRA, (IA)³, prompt tuning, P-tuning, prefix tuning; LoRA-FA and QLoRA as LoRA).
        --format hf: the model with the adapter folded into its weights (config.json, model.safetensors, tokenizer \
        files), for transformers.
        --format gguf: the same as one GGUF file (--type f32, f16 or q8_0), for llama.cpp and peftbench.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case peft, hf, gguf }

    @Option(name: .customLong("run"), help: "A finished run's folder (runs/<run id>).") var runFolder: String?
    @Option(help: "Export this model itself instead of a run's (a .gguf file, a Hugging Face folder, tiny, or smollm2-135m).") var model: String?
    @Option(help: "peft, hf or gguf.") var format: Format
    @Option(help: "GGUF tensor type: f32, f16 or q8_0.") var type = "f16"
    @Option(help: "base_model_name_or_path written in a PEFT adapter's config (default: the run's model).") var base: String?
    @Argument(help: "Output folder (peft, hf) or file (gguf).") var out: String

    func validate() throws {
        guard (runFolder == nil) != (model == nil) else { throw ValidationError("give exactly one of --run and --model") }
        if model != nil, format == .peft { throw ValidationError("--format peft exports a run's adapter; give --run") }
        guard GGUFExport.StorageType(rawValue: type) != nil else { throw ValidationError("--type must be f32, f16 or q8_0, got '\(type)'") }
    }

    func run() throws {
        let loaded: LoadedModel, method: String, applied: AppliedMethod?
        if let runFolder {
            // A method with no PEFT counterpart is refused before its model is rebuilt.
            if format == .peft { _ = try PEFTAdapter.peftType(of: try RunFiles.readResult(folder: runFolder).spec.method) }
            let tuned = try TunedModel.load(runFolder: runFolder)
            (loaded, method, applied) = (tuned.loaded, tuned.spec.method, tuned.applied)
        } else {
            loaded = try ModelStore.load(model!)
            (method, applied) = ("base", nil)
        }
        switch format {
        case .peft:
            guard let applied else { throw PEFTAdapter.Unsupported("\(method): " + PEFTAdapter.noAdapter) }
            let notes = try PEFTAdapter.export(applied, model: loaded.model, baseModel: base ?? loaded.name, to: out)
            notes.forEach { FileHandle.standardError.write(Data("note: \($0)\n".utf8)) }
        case .hf:
            try HuggingFaceFolder.write(try PlainCheckpoint(model: loaded.model, method: method), tokenizer: loaded.tokenizer, to: out)
        case .gguf:
            guard let tokenizer = loaded.tokenizer else { throw ValidationError("model '\(loaded.name)' has no tokenizer to carry into GGUF") }
            let name = ((loaded.file ?? loaded.name) as NSString).lastPathComponent + (method == "base" ? "" : " + \(method)")
            try GGUFExport.write(try PlainCheckpoint(model: loaded.model, method: method), tokenizer: tokenizer, name: name,
                                 type: GGUFExport.StorageType(rawValue: type)!, to: out)
        }
        print(out)
    }
}
