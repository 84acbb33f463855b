import Foundation
import Dispatch

/// A fixed set of worker threads, each owning state made once by a factory (for the service: a
/// predictor with preallocated workspaces), behind one bounded queue.
///
/// Inference is CPU-bound and blocking, so each worker is a dedicated `Thread`; `submit` bridges to
/// async with a continuation. Requests that are queued together are run as one batch of up to
/// `maxBatch`: a worker that finds fewer waiting waits at most `maxBatchWait` for more (only one
/// worker gathers at a time, so idle workers do not split a forming batch). `maxBatch == 1` or a
/// zero wait turns the gathering off. A batch whose function throws fails every request in it.
///
/// Cancellation: a request whose task is cancelled leaves the queue at once (its place is free for
/// the next arrival) and, if a worker has already taken it, is dropped from its batch before the
/// batch starts; either way `submit` throws `CancellationError` and no inference is spent on it. Once
/// its batch runs, it runs to completion.
///
/// Its parts: ``ModelPoolQueue`` (admission, batching, cancellation marks, draining, counters),
/// ``ModelPoolRoster`` (workers started, failed and warmed) and ``ModelPoolWorker`` (each worker
/// thread's loop), all guarded by the pool's one lock.
public final class ModelPool<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    public let workerCount: Int
    public let queueCapacity: Int
    public let maxBatch: Int
    public let maxBatchWait: Duration
    /// How long a request may wait in the queue when `submit` is given no timeout.
    public let defaultQueueTimeout: Duration?

    // Everything in `queue` and `roster` is guarded by `condition`; all waiting (workers) happens on it too.
    let condition = NSCondition()
    /// The jobs waiting and taken, admission, batching and the counters.
    var queue: ModelPoolQueue<Input, Output>
    /// The workers' start-up and warm-up.
    var roster: ModelPoolRoster<Input>

    /// Starts `workers` threads. Each calls `makeState(workerIndex)` once on its own thread, then runs
    /// batches through `runBatch`, which must return exactly one output per input, in order.
    public init<WorkerState>(
        workers: Int,
        queueCapacity: Int,
        maxBatch: Int = 1,
        maxBatchWait: Duration = .zero,
        defaultQueueTimeout: Duration? = nil,
        name: String = "model-worker",
        makeState: @escaping @Sendable (_ worker: Int) throws -> WorkerState,
        runBatch: @escaping @Sendable (_ state: inout WorkerState, _ inputs: [Input]) throws -> [Output]
    ) {
        precondition(workers >= 1 && queueCapacity >= 1 && maxBatch >= 1, "invalid ModelPool sizes")
        self.workerCount = workers
        self.queueCapacity = queueCapacity
        self.maxBatch = maxBatch
        self.maxBatchWait = maxBatchWait
        self.defaultQueueTimeout = defaultQueueTimeout
        self.queue = ModelPoolQueue(capacity: queueCapacity, maxBatch: maxBatch)
        self.roster = ModelPoolRoster(workers: workers)
        for index in 0..<workers {
            let threadName = "\(name)-\(index)"
            let worker = ModelPoolWorker(index: index, pool: self, makeState: makeState, runBatch: runBatch)
            let thread = Thread {
                // Named from inside: on Linux a name set before start() does not reach the thread.
                Thread.current.name = threadName
                worker.main()
            }
            thread.start()
        }
    }

    /// True once every worker has run its warm-up batch, until draining begins: the pool's part of
    /// the service's readiness (``ServiceReadiness``).
    public var isReady: Bool { statistics.isReady }

    public var statistics: ModelPoolStatistics {
        condition.lock(); defer { condition.unlock() }
        return queue.statistics(workers: workerCount, warmedWorkers: roster.warmed.count)
    }

    /// Holds a place in the queue for a request whose input is still being prepared (a photo to
    /// decode), so that a full queue refuses it before that work is spent on it. Pass the slot to
    /// ``submit(_:slot:queueTimeout:)``, which takes the place, or give it back with ``release(_:)``
    /// (a no-op once submitted). Throws ``ModelPoolError/overloaded`` when the queued and reserved
    /// requests fill the capacity, ``ModelPoolError/shuttingDown`` after ``drain()`` began.
    public func reserve() throws -> QueueSlot {
        condition.lock(); defer { condition.unlock() }
        if let refusal = queue.refusal(noWorkerLeft: roster.noWorkerLeft) { throw refusal }
        queue.reserve()
        return QueueSlot()
    }

    /// Gives back a slot from ``reserve()`` that was not submitted.
    public func release(_ slot: QueueSlot) {
        condition.lock(); defer { condition.unlock() }
        queue.release(slot)
    }

    /// Runs `input` on a worker and returns its output with timings; `slot`, from ``reserve()``,
    /// is the place it takes in the queue.
    ///
    /// Throws ``ModelPoolError/overloaded`` at once when the queue is full,
    /// ``ModelPoolError/shuttingDown`` after ``drain()`` began, ``ModelPoolError/deadlineExceeded``
    /// when no worker took it within `queueTimeout` (default ``defaultQueueTimeout``), the batch
    /// function's error if it threw, and `CancellationError` if the task is cancelled before its
    /// batch starts (counted in ``ModelPoolStatistics/cancelledInQueue`` or
    /// ``ModelPoolStatistics/cancelledBeforeBatch``).
    public func submit(_ input: Input, slot: QueueSlot? = nil, queueTimeout: Duration? = nil) async throws -> ModelPoolResult<Output> {
        let timeout = queueTimeout ?? defaultQueueTimeout
        let id = allocateID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let now = ContinuousClock.now
                condition.lock()
                // The slot's place becomes the job's, so a reserved request is never refused as overloaded.
                if let slot { queue.release(slot) }
                let refusal: (any Error)?
                if Task.isCancelled {
                    queue.countCancelledOnArrival()
                    refusal = CancellationError()
                } else if let refused = queue.refusal(noWorkerLeft: roster.noWorkerLeft) {
                    refusal = refused
                } else {
                    refusal = nil
                    queue.enqueue(.init(id: id, input: input, enqueued: now,
                                        deadline: timeout.map { now + $0 }, continuation: continuation))
                    condition.broadcast()
                }
                condition.unlock()
                if let refusal {
                    continuation.resume(throwing: refusal)
                } else if let timeout {
                    // A timer rather than a check at dequeue time, so a request fails promptly even
                    // while every worker is busy for longer than its deadline. `DispatchTime + seconds`
                    // clamps (a huge timeout never fires, a negative one fires at once).
                    DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds) { [weak self] in
                        self?.removeQueued(id: id, failingWith: ModelPoolError.deadlineExceeded)
                    }
                }
            }
        } onCancel: {
            cancel(id: id)
        }
    }

    /// Runs one batch of `inputs` on every worker (touching its workspaces and the weights) and returns
    /// when all have; ``isReady`` is true from then on. Throws if a worker failed to start or the
    /// warm-up batch threw.
    public func warmUp(_ inputs: [Input]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workerCount {
                group.addTask { try await self.warmUp(worker: worker, inputs: inputs) }
            }
            try await group.waitForAll()
        }
    }

    /// Stops accepting new requests (``isReady`` turns false) and returns once every queued and
    /// in-flight request has finished; the worker threads then exit. Safe to call more than once.
    public func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            queue.stopAccepting()
            condition.broadcast()
            if queue.isIdle {
                condition.unlock()
                continuation.resume()
            } else {
                queue.addDrainWaiter(continuation)
                condition.unlock()
            }
        }
    }

    // MARK: - Internals

    private func warmUp(worker: Int, inputs: [Input]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            if let failure = roster.startFailure(of: worker) {
                condition.unlock()
                continuation.resume(throwing: failure)
                return
            }
            if !queue.accepting {
                condition.unlock()
                continuation.resume(throwing: ModelPoolError.shuttingDown)
                return
            }
            roster.post(.init(inputs: inputs, continuation: continuation), to: worker)
            condition.broadcast()
            condition.unlock()
        }
    }

    private func allocateID() -> UInt64 {
        condition.lock(); defer { condition.unlock() }
        return queue.allocateID()
    }

    /// The task of job `id` was cancelled: out of the queue now, or out of its batch before it starts.
    private func cancel(id: UInt64) {
        // One critical section: a worker taking the job between two would lose the cancellation.
        condition.lock()
        var resume: (() -> Void)? = nil
        // A taken job is dropped by its worker before its batch starts; a queued one leaves now.
        if !queue.markTakenJobCancelled(id: id) {
            resume = removeQueuedLocked(id: id, failingWith: CancellationError())
        }
        condition.unlock()
        resume?()
    }

    private func removeQueued(id: UInt64, failingWith error: any Error) {
        condition.lock()
        let resume = removeQueuedLocked(id: id, failingWith: error)
        condition.unlock()
        resume?()
    }

    /// Takes job `id` out of the queue if it is there, counting why, and returns what to resume once
    /// the lock is released (nil if it was not queued). Call with the lock held.
    private func removeQueuedLocked(id: UInt64, failingWith error: any Error) -> (() -> Void)? {
        guard let job = queue.remove(id: id, failingWith: error) else { return nil }
        let waiters = queue.takeDrainWaitersIfDrained()
        return {
            job.continuation.resume(throwing: error)
            waiters.forEach { $0.resume() }
        }
    }
}
