/// Colours that stay distinguishable with the common colour-vision deficiencies.
enum Palette {
    /// Okabe & Ito (2008), without the yellow that vanishes on white; black last.
    static let categorical = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999"]

    static func categorical(_ i: Int) -> String { categorical[i % categorical.count] }

    /// Series past the palette's length repeat its colours, told apart by a dashed line or a square mark.
    static func secondCycle(_ i: Int) -> Bool { i >= categorical.count && (i / categorical.count) % 2 == 1 }

    /// A diverging scale for signed values in −1…1: orange below zero, white at zero, blue above.
    static func diverging(_ t: Double) -> String {
        let x = max(-1, min(1, t.isFinite ? t : 0))
        let (end): (Double, Double, Double) = x < 0 ? (0.85, 0.37, 0.0) : (0.0, 0.35, 0.70)
        let k = abs(x)
        return hex(1 + (end.0 - 1) * k, 1 + (end.1 - 1) * k, 1 + (end.2 - 1) * k)
    }

    /// A sequential single-hue scale for 0…1: near-white to dark blue.
    static func sequential(_ t: Double) -> String {
        let k = max(0, min(1, t.isFinite ? t : 0))
        return hex(0.94 - 0.94 * k, 0.96 - 0.66 * k, 1.0 - 0.45 * k)
    }

    /// Black or white text, whichever reads on the fill.
    static func textColour(on fill: String) -> String {
        let v = Array(fill.dropFirst()).chunked(2).compactMap { Int(String($0), radix: 16) }
        guard v.count == 3 else { return "#000" }
        let luminance = (0.2126 * Double(v[0]) + 0.7152 * Double(v[1]) + 0.0722 * Double(v[2])) / 255
        return luminance < 0.5 ? "#fff" : "#000"
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let c = [r, g, b].map { Int((max(0, min(1, $0)) * 255).rounded()) }
        return "#" + c.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined().uppercased()
    }
}

private extension Array {
    func chunked(_ n: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: n).map { self[$0..<Swift.min($0 + n, count)] }
    }
}
