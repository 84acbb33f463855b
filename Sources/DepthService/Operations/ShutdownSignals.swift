import Foundation

// The waiting thread of the one forwarding ShutdownSignals; written before the handler is installed.
nonisolated(unsafe) private var signalForwardingTarget = pthread_t()

/// Delivers SIGTERM and SIGINT (or the given signals) as an async sequence instead of killing the
/// process, so `depthd serve` can drain: stop accepting, turn /readyz to 503, finish in-flight work.
///
/// The signals are blocked and one dedicated thread takes them with `sigwait`. A signal sent to the
/// process (`kill`, Kubernetes' SIGTERM) may land on any thread that does not block it, and threads
/// started before `main` (OpenBLAS starts its pool when the library loads) never inherit a mask set
/// later: there the default action would kill the process. So with `forwardingProcessSignals` a
/// minimal handler passes such a signal on to the waiting thread (`pthread_kill`, async-signal-safe).
/// Tests leave it off and use ``deliver(_:)``, so the test process keeps its default SIGTERM.
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

    public init(_ numbers: [Int32] = [SIGTERM, SIGINT], forwardingProcessSignals: Bool = false) {
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
                if case .terminated = continuation.yield(number) {
                    // After cancel(), a forwarded signal takes its default action: the process stops.
                    if forwardingProcessSignals {
                        signal(number, SIG_DFL)
                        pthread_sigmask(SIG_UNBLOCK, &set, nil)
                        kill(getpid(), number)
                    }
                    return
                }
            }
        }
        thread.start()
        ready.wait()
        if forwardingProcessSignals {
            signalForwardingTarget = waiter
            for number in numbers {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = { number in pthread_kill(signalForwardingTarget, number) }
                action.sa_flags = SA_RESTART
                sigemptyset(&action.sa_mask)
                sigaction(number, &action, nil)
            }
        }
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

    /// Ends ``signals``; the waiting thread exits after the next signal it takes (which, when
    /// forwarding process signals, then takes its default action: a second SIGTERM stops the process).
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
