/// An owned, reusable Int32 buffer (token ids, positions, row indices) for the same reason as `FloatBuffer`.
public final class IndexBuffer: @unchecked Sendable {
    public private(set) var capacity: Int
    public private(set) var pointer: UnsafeMutablePointer<Int32>

    public init(capacity: Int = 0) {
        self.capacity = capacity
        pointer = .allocate(capacity: max(capacity, 1))
        pointer.initialize(repeating: 0, count: max(capacity, 1))
    }

    deinit { pointer.deallocate() }

    /// Grows (contents unspecified) when asked for more than it holds.
    public func reserve(_ count: Int) -> UnsafeMutablePointer<Int32> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            capacity = count
        }
        return pointer
    }
}
