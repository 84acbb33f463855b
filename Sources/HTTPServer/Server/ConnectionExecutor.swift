import Dispatch

/// The task executor of a connection's handler tasks: their jobs run on the connection's own
/// serial queue, the one its socket events are handled on. A request then goes from its read
/// to the handler and back to the write on one thread, instead of waking a thread of Swift's
/// global pool and then a Dispatch thread again (two context switches per request, measured as
/// the largest cost of a small request). Work a handler hands elsewhere (an actor with an
/// executor of its own, a thread pool) still runs there; only what would run on the global pool
/// runs here, one job at a time per connection, which a connection serving one request at a
/// time needs no more than.
final class ConnectionExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    init(queue: DispatchQueue) {
        self.queue = queue
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
