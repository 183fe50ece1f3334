/// A contiguous, owned Float32 buffer. Allocated once and reused: kernels take its raw pointer, so nothing in a
/// hot loop allocates or touches Swift's copy-on-write machinery.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int, zeroed: Bool = true) {
        precondition(count >= 0, "negative buffer size")
        self.count = count
        // 64-byte alignment keeps AVX-512 loads in OpenBLAS on the fast path.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: count) }
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count, zeroed: false)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { pointer.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "copy between buffers of different sizes")
        pointer.update(from: other.pointer, count: count)
    }

    public func toArray() -> [Float] { Array(buffer) }
}

/// A buffer that grows to the largest size asked of it and is then reused; activation caches of layers whose
/// row count changes (training batches, prompt prefill, one-token decode) live in these.
public struct GrowableBuffer: Sendable {
    public private(set) var storage = FloatBuffer(count: 0)

    public init() {}

    /// A pointer to at least `count` floats; contents are unspecified after growth.
    public mutating func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if storage.count < count { storage = FloatBuffer(count: count, zeroed: false) }
        return storage.pointer
    }

    public var pointer: UnsafeMutablePointer<Float> { storage.pointer }
}
