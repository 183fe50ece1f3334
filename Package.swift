// swift-tools-version: 6.0
import PackageDescription

// Release builds of the numeric targets: bounds checks off in the hot loops and the AVX2+FMA (Haswell) baseline,
// which every x86-64 CPU with AVX2 supports. `peftbench env` refuses to hide a CPU without AVX2.
let numericFlags: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "peftbench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "peftbench", targets: ["peftbench"]),
        // What reads files from outside (models, tokenizers, task data, configs, records, METEOR's resources), for
        // the fuzzing harnesses in Fuzz/.
        .library(name: "PeftbenchReaders", targets: ["Checkpoints", "Tasks", "Harness", "Suite", "Interchange", "Metrics", "Results"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
    ],
    targets: [
        // OpenBLAS through pkg-config; Debian's package is the provider.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // The records runs and suites write and read (run spec, result.json, predictions, suite.json) and the file
        // helpers they are written with; no numerics, so that the report depends on nothing else.
        .target(name: "Results", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Float32 buffers, parameters, sgemm, the layer kernels (forward and backward), seeded RNG, CPU facts.
        .target(name: "Engine", dependencies: ["COpenBLAS"], swiftSettings: numericFlags),
        // The LLaMA-family decoder: config, wrappable linears, extension points, forward and backward.
        .target(name: "Model", dependencies: ["Engine"], swiftSettings: numericFlags),
        // Byte-level BPE: pre-tokenizers, merges, special tokens, chat templates.
        .target(name: "Tokenizer", swiftSettings: numericFlags),
        // Reading models: GGUF (with dequantization) and Hugging Face safetensors folders, onto the decoder.
        .target(name: "Checkpoints", dependencies: ["Engine", "Model", "Tokenizer", "Results"], swiftSettings: numericFlags),
        // PEFT methods, one folder each behind one protocol, and the registry the CLI reads.
        .target(name: "Methods", dependencies: ["Engine", "Model", "Checkpoints", "Results"], swiftSettings: numericFlags),
        // Text metrics matching their reference implementations, with signatures of their settings.
        // zlib, for the METEOR resources (a jar and a gzip file).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Metrics", dependencies: ["Engine", "CZlib", "Results"], swiftSettings: numericFlags),
        // AdamW, gradient clipping and accumulation, learning-rate schedules, the training step.
        .target(name: "Training", dependencies: ["Engine", "Model"], swiftSettings: numericFlags),
        // Task files in their official formats (E2E CSV, WebNLG XML, GSM8K JSONL, CoQA JSON), task definitions,
        // the shipped synthetic data's generator and the downloader of the official files.
        .target(name: "Tasks", dependencies: [
            "Engine", "Metrics", "Results",
            .product(name: "Yams", package: "Yams"), .product(name: "CSV", package: "CSV.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // One method on one task under a fixed budget: training, evaluation, calibration, forgetting, cost, result files.
        .target(name: "Harness", dependencies: [
            "Engine", "Model", "Tokenizer", "Checkpoints", "Methods", "Metrics", "Training", "Tasks", "Results", "Interchange",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: numericFlags),
        // Models and adapters in other tools' formats: Hugging Face PEFT adapters (out and in), merged Hugging Face
        // folders and GGUF files.
        .target(name: "Interchange", dependencies: ["Engine", "Model", "Tokenizer", "Checkpoints", "Methods", "Results"],
                swiftSettings: numericFlags),
        // The static HTML report, from the records alone.
        .target(name: "Report", dependencies: ["Results", .product(name: "Plot", package: "Plot"), .product(name: "CSV", package: "CSV.swift")]),
        // prctl(PR_SET_PDEATHSIG), which Swift cannot call directly (it is variadic): a run's process dies with its suite.
        .systemLibrary(name: "CProcessControl"),
        // Suites: files of tasks × methods × seeds, runs in child processes under limits, claims, shards, summaries,
        // estimates, Slurm job arrays.
        .target(name: "Suite", dependencies: [
            "Harness", "Methods", "Tasks", "Checkpoints", "Report", "Results", "Interchange", .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(
            name: "peftbench",
            dependencies: [
                "Engine", "Model", "Training", "Tokenizer", "Checkpoints", "Methods", "Metrics", "Tasks", "Harness", "Report",
                "Suite", "Results", "Interchange", "CProcessControl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: numericFlags
        ),
        .target(name: "TestSupport", dependencies: ["Engine"], path: "Tests/TestSupport", exclude: ["serve.py", "browser_check.py"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["Engine", "Model", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Engine", "Model", "Training", "TestSupport"]),
        .testTarget(name: "MethodTests", dependencies: ["Engine", "Model", "Methods", "Training", "Checkpoints", "TestSupport"]),
        .testTarget(name: "TaskTests", dependencies: ["Tasks", "Engine", "Results", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Tasks", "Results", "TestSupport"], exclude: ["reference"]),
        .testTarget(name: "SuiteTests", dependencies: ["Suite", "Harness", "Metrics", "Methods", "Tasks", "Engine", "Model", "Results", "TestSupport"]),
        // The report's charts, tables and escaping, and its pages in headless Chromium (TestSupport's browser_check.py).
        .testTarget(name: "ReportTests", dependencies: ["Report", "Results", "TestSupport", .product(name: "CSV", package: "CSV.swift")]),
        .testTarget(name: "CheckpointTests", dependencies: ["Engine", "Model", "Checkpoints"], exclude: ["Fixtures"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "Checkpoints"]),
        // The real model against the reference implementation's numbers (needs scripts/fetch-model.sh first).
        .testTarget(name: "ParityTests", dependencies: ["Engine", "Model", "Tokenizer", "Checkpoints", "TestSupport"],
                    exclude: ["Fixtures", "README.md", "reference"]),
        // Exports loaded by PEFT, transformers and gguf (scripts/setup-reference.sh installs them), and PEFT's
        // adapters loaded by peftbench.
        .testTarget(name: "InterchangeTests", dependencies: ["Interchange", "Methods", "Model", "Checkpoints", "Engine", "TestSupport"],
                    exclude: ["reference"]),
        // Runs the built `peftbench` executable as a user would.
        .testTarget(name: "CLITests", dependencies: ["Engine", "TestSupport"], exclude: ["Fixtures"]),
    ]
)
