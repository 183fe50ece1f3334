import Foundation
import XCTest

/// `browser_check.py` (beside this file) on a report folder: every page opened in headless Chromium.
public struct BrowserCheck {
    public var problems: [String]
    public var pages: [String: [String: Any]]
    public var sizeBytes: Int
    public var indexRenderSeconds: Double?

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("browser_check.py")

    public static func run(_ report: URL, pages: [String] = [], expectText: [String] = [], maxRender: Double? = nil, extraScript: String? = nil,
                    screenshots: Bool = true) throws -> BrowserCheck {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else {
            XCTFail("Chromium is missing: bash scripts/setup.sh installs Debian's chromium")
            throw CocoaError(.fileNoSuchFile)
        }
        var arguments = [script.path, report.path, "--chromium", chromium]
        if !pages.isEmpty { arguments += ["--pages"] + pages }
        if !expectText.isEmpty { arguments += ["--expect-text"] + expectText }
        if let maxRender { arguments += ["--max-render", String(maxRender)] }
        if let extraScript { arguments += ["--extra-script", extraScript] }
        if !screenshots { arguments.append("--no-screenshots") }
        let r = try Command.run("/usr/bin/env", ["python3"] + arguments, timeout: 900)
        guard let object = try? JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            XCTFail("browser_check.py printed no report (exit \(r.status)): \(r.stderr)")
            throw CocoaError(.fileReadCorruptFile)
        }
        return BrowserCheck(problems: object["problems"] as? [String] ?? ["no problems list"], pages: object["pages"] as? [String: [String: Any]] ?? [:],
                            sizeBytes: object["sizeBytes"] as? Int ?? 0, indexRenderSeconds: object["indexRenderSeconds"] as? Double)
    }
}
