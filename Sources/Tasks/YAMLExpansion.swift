import CYaml
import Foundation
import Results

/// How many nodes a YAML text would hold with every alias expanded, counted on libyaml's event stream before any
/// tree is built: an anchor's size is counted once and an alias adds it, so a "billion laughs" of nested aliases is
/// measured in microseconds instead of being composed (whose duplicate-key check hashes every expanded key).
public enum YAMLExpansion {
    /// No run, suite or task file comes near this; a file past it is refused.
    public static let limit = 100_000

    /// Throws one line naming the file and the line where the expansion passed the limit.
    public static func check(_ text: String, path: String, limit: Int = limit) throws {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw RunError("\(path): cannot start the YAML parser") }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var sizes: [String: Int] = [:]
            // Per open collection: its anchor and the nodes counted inside it so far.
            var open: [(anchor: String?, size: Int)] = []
            var total = 0
            func add(_ n: Int, line: Int) throws {
                if open.isEmpty { total += n } else { open[open.count - 1].size += n }
                if total + open.reduce(0, { $0 + $1.size }) > limit {
                    throw RunError("\(path):\(line): aliases expand this file past \(limit) nodes; refusing it (a YAML alias bomb?)")
                }
            }
            func name(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? { p.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } }
            while true {
                var event = yaml_event_t()
                // A syntax error is left to the composer, which names it.
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    if let anchor = name(event.data.scalar.anchor) { sizes[anchor] = 1 }
                    try add(1, line: line)
                case YAML_ALIAS_EVENT:
                    try add(name(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1, line: line)
                case YAML_SEQUENCE_START_EVENT:
                    open.append((name(event.data.sequence_start.anchor), 1))
                case YAML_MAPPING_START_EVENT:
                    open.append((name(event.data.mapping_start.anchor), 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let closed = open.popLast() else { return }
                    if let anchor = closed.anchor { sizes[anchor] = closed.size }
                    try add(closed.size, line: line)
                default:
                    break
                }
            }
        }
    }
}
