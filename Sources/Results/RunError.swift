/// An error a caller shows as it is: one line naming the file, the key or the cause.
public struct RunError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = ErrorText.oneLine(description) }
}
