import Foundation

/// Delivers SIGTERM and SIGINT (or the given signals) as an async sequence instead of killing the
/// process, so `depthd serve` can drain: stop accepting, turn /readyz to 503, finish in-flight work.
///
/// No signal handler runs anywhere: the signals are blocked and one dedicated thread takes them
/// with `sigwait`. (A handler, which is what a Dispatch signal source installs, interrupts whatever
/// thread it lands on; in tests that stalled Swift's executor.) For a signal sent to the process
/// (`kill`, Kubernetes' SIGTERM) to reach that thread, every other thread must block it too:
/// call ``blockInThisThread(_:)`` first thing in `main`, before any thread starts, since new threads
/// inherit the mask.
public final class ShutdownSignals: @unchecked Sendable {
    /// Each delivered signal's number, in order.
    public let signals: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation
    private let ready = DispatchSemaphore(value: 0)
    // Written once by the waiting thread before `ready` is signalled, read only after.
    private var waiter = pthread_t()

    /// Blocks `numbers` in the calling thread (and so in every thread it starts afterwards).
    public static func blockInThisThread(_ numbers: [Int32] = [SIGTERM, SIGINT]) {
        var set = signalSet(numbers)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    public init(_ numbers: [Int32] = [SIGTERM, SIGINT]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.signals = stream
        self.continuation = continuation
        let thread = Thread { [self] in
            Thread.current.name = "depthd-signals"
            var set = Self.signalSet(numbers)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            waiter = pthread_self()
            ready.signal()
            while true {
                var number: Int32 = 0
                guard sigwait(&set, &number) == 0 else { continue }
                if case .terminated = continuation.yield(number) { return }
            }
        }
        thread.start()
        ready.wait()
    }

    /// The next signal delivered (nil after ``cancel()``).
    public func next() async -> Int32? {
        var iterator = signals.makeAsyncIterator()
        return await iterator.next()
    }

    /// Sends `number` to the waiting thread itself, as the tests do (a process-wide `kill` would
    /// hit any thread that does not block it).
    public func deliver(_ number: Int32) {
        pthread_kill(waiter, number)
    }

    /// Ends ``signals``; the waiting thread exits after the next signal it takes.
    public func cancel() {
        continuation.finish()
    }

    private static func signalSet(_ numbers: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        numbers.forEach { sigaddset(&set, $0) }
        return set
    }
}
