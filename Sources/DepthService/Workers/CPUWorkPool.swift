import Foundation

/// A fixed set of dedicated threads for blocking CPU work (image decoding, resizing, encoding).
///
/// Request handlers run on Swift's cooperative thread pool, which has one thread per core: a
/// handler that decoded a large JPEG there would stall every other connection's handler on that
/// thread. ``run(_:)`` moves such work onto these threads and suspends the caller until it is done.
///
/// Two rules keep the image work from costing the model more than it must:
/// - Work that finishes a request (``Priority/finish``: encoding an answer) runs before work that
///   starts one (``Priority/start``: decoding an upload), so answers leave as soon as their depth
///   exists instead of waiting behind decodes whose inputs would only wait in the model queue.
/// - A job whose task is cancelled before a thread takes it is dropped at once (the caller gets
///   `CancellationError`) and never runs; one already running finishes.
public final class CPUWorkPool: @unchecked Sendable {
    /// Which jobs a free thread takes first.
    public enum Priority: Sendable {
        /// Work that completes a request whose model output exists (encoding).
        case finish
        /// Work that starts a request (decoding and preparing an upload).
        case start
    }

    public let threadCount: Int
    /// Called with +1 as a thread starts a job and -1 as it finishes one, outside the pool's lock
    /// (changes, not totals: calls from different threads may arrive in any order).
    private let onActivity: (@Sendable (Int) -> Void)?

    private struct Job {
        let id: UInt64
        let body: () -> Void
        let cancel: () -> Void
    }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var finishJobs: [Job] = []
    private var startJobs: [Job] = []
    private var nextID: UInt64 = 0
    private var stopped = false
    private var cancelledWaiting = 0

    /// Starts `threads` threads named `<name>-N`; `onActivity` hears each job start (+1) and end (-1).
    public init(threads: Int, name: String = "cpu-work", onActivity: (@Sendable (Int) -> Void)? = nil) {
        threadCount = max(1, threads)
        self.onActivity = onActivity
        for index in 0..<threadCount {
            let threadName = "\(name)-\(index)"
            let thread = Thread { [self] in
                // Named from inside: on Linux a name set before start() does not reach the thread.
                Thread.current.name = threadName
                self.threadMain()
            }
            thread.start()
        }
    }

    /// Jobs dropped because their task was cancelled before a thread took them.
    public var cancelledBeforeStart: Int {
        condition.lock(); defer { condition.unlock() }
        return cancelledWaiting
    }

    /// Jobs waiting for a thread.
    public var waiting: Int {
        condition.lock(); defer { condition.unlock() }
        return finishJobs.count + startJobs.count
    }

    /// Runs `body` on one of the pool's threads and returns (or throws) its result. Throws
    /// `CancellationError`, without running `body`, if the calling task is cancelled before a
    /// thread takes the job.
    public func run<Value: Sendable>(
        _ priority: Priority = .start, _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        let id = allocateID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue(Job(id: id, body: { continuation.resume(with: Result { try body() }) },
                            cancel: { continuation.resume(throwing: CancellationError()) }),
                        priority: priority)
            }
        } onCancel: {
            dropWaiting(id: id)
        }
    }

    /// Lets the threads exit once the jobs already queued have run.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func allocateID() -> UInt64 {
        condition.lock(); defer { condition.unlock() }
        nextID &+= 1
        return nextID
    }

    private func enqueue(_ job: Job, priority: Priority) {
        condition.lock()
        // Checked under the lock: a cancellation that lands after this sees the job queued.
        let cancelled = Task.isCancelled
        let refused = stopped && !cancelled
        if cancelled {
            cancelledWaiting += 1
        } else if !refused {
            switch priority {
            case .finish: finishJobs.append(job)
            case .start: startJobs.append(job)
            }
            condition.signal()
        }
        condition.unlock()
        if cancelled {
            job.cancel()
        } else if refused {
            // After stop() the caller still gets an answer: run it here rather than never.
            job.body()
        }
    }

    private func dropWaiting(id: UInt64) {
        condition.lock()
        var dropped: Job?
        if let index = finishJobs.firstIndex(where: { $0.id == id }) {
            dropped = finishJobs.remove(at: index)
        } else if let index = startJobs.firstIndex(where: { $0.id == id }) {
            dropped = startJobs.remove(at: index)
        }
        if dropped != nil { cancelledWaiting += 1 }
        condition.unlock()
        dropped?.cancel()
    }

    private func threadMain() {
        while true {
            condition.lock()
            while finishJobs.isEmpty && startJobs.isEmpty && !stopped { condition.wait() }
            let job: Job
            if !finishJobs.isEmpty {
                job = finishJobs.removeFirst()
            } else if !startJobs.isEmpty {
                job = startJobs.removeFirst()
            } else {
                condition.unlock()
                return
            }
            condition.unlock()
            onActivity?(1)
            job.body()
            onActivity?(-1)
        }
    }
}
