/// A fixed number of floats in a `BufferPool` block, given back to the pool when the last
/// reference goes: for megabyte-sized per-request buffers (the network input, the photo-size depth
/// grid) that would otherwise be mapped and faulted in anew for every request.
///
/// Its creator fills it through `withUnsafeMutableBufferPointer` before sharing it; after that it
/// is read only, which is what makes sharing it between threads safe.
public final class PooledFloats: RandomAccessCollection, @unchecked Sendable {
    public let count: Int
    private let memory: UnsafeMutableRawBufferPointer
    private let values: UnsafeMutableBufferPointer<Float>
    private let pool: BufferPool

    /// `count` floats from `pool`, uninitialised: the creator writes every one before reading.
    public init(uninitializedCount count: Int, pool: BufferPool = .shared) {
        precondition(count >= 0, "negative float count")
        self.count = count
        self.pool = pool
        memory = pool.take(bytes: count * MemoryLayout<Float>.stride)
        values = UnsafeMutableBufferPointer(rebasing: memory.bindMemory(to: Float.self)[0..<count])
    }

    /// A copy of `array` in a pooled block.
    public convenience init(_ array: [Float], pool: BufferPool = .shared) {
        self.init(uninitializedCount: array.count, pool: pool)
        _ = values.initialize(from: array)
    }

    deinit { pool.giveBack(memory) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(index: Int) -> Float {
        precondition(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
        return values[index]
    }

    /// The floats, read only, for the duration of `body`.
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Float>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(values))
    }

    /// The floats to write, for the creator before it shares them.
    public func withUnsafeMutableBufferPointer<R, E: Error>(_ body: (UnsafeMutableBufferPointer<Float>) throws(E) -> R) throws(E) -> R {
        try body(values)
    }
}
