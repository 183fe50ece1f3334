// swift-tools-version: 6.0
import PackageDescription

// libFuzzer harnesses for every reader of files from outside. Built apart from the main package, with
// `--sanitize fuzzer --sanitize address` (scripts/fuzz.sh), because a libFuzzer binary has no `main` of its own.
let package = Package(
    name: "peftbench-fuzz",
    dependencies: [.package(name: "peftbench", path: "..")],
    targets: [
        .executableTarget(
            name: "peftbench-fuzz",
            dependencies: [.product(name: "PeftbenchReaders", package: "peftbench")]
        ),
    ]
)
