import Foundation
import Results

/// A problem with a task file, named the way a user finds it: the file, then where in it (`line 12`,
/// `entry 3 (eid Id3)`, `data[0].answers[4]`), then what is wrong. Its description is one line.
public struct TaskDataError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var location: String?
    public var message: String

    public init(_ file: String, _ message: String) {
        self.init(file, nil, message)
    }

    public init(_ file: String, _ location: String?, _ message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public init(_ file: String, line: Int, _ message: String) {
        self.init(file, "line \(line)", message)
    }

    public var description: String {
        // Messages quote user data, which may hold newlines; the error stays one line.
        ErrorText.oneLine([file, location, message].compactMap { $0 }.joined(separator: ": "))
    }
}
