import Foundation

/// A thread-safe list for values recorded from callbacks on other threads (server observers,
/// handlers, pool jobs).
public final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value] = []

    public init() {}

    public func append(_ value: Value) {
        lock.lock()
        storage.append(value)
        lock.unlock()
    }

    public var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
