import Dispatch
import Foundation

/// Delivers SIGTERM and SIGINT (or the given signals) as an async sequence instead of killing the
/// process, so `depthd serve` can drain: stop accepting, turn /readyz to 503, finish in-flight work.
///
/// The signals' default action is ignored while the listener exists (Dispatch sources observe a
/// signal but do not stop its default action); ``cancel()`` restores it, so a second Ctrl-C after
/// cancelling stops the process at once.
// @unchecked: the sources are immutable after init and only cancelled, which Dispatch makes thread-safe.
public final class ShutdownSignals: @unchecked Sendable {
    /// Each delivered signal's number, in order.
    public let signals: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation
    private let sources: [any DispatchSourceSignal]
    private let numbers: [Int32]

    public init(_ numbers: [Int32] = [SIGTERM, SIGINT]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.signals = stream
        self.continuation = continuation
        self.numbers = numbers
        self.sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// The next signal delivered (nil after ``cancel()``).
    public func next() async -> Int32? {
        var iterator = signals.makeAsyncIterator()
        return await iterator.next()
    }

    /// Stops listening and restores the signals' default actions.
    public func cancel() {
        sources.forEach { $0.cancel() }
        numbers.forEach { signal($0, SIG_DFL) }
        continuation.finish()
    }
}
