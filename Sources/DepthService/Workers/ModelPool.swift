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
public final class ModelPool<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    public let workerCount: Int
    public let queueCapacity: Int
    public let maxBatch: Int
    public let maxBatchWait: Duration
    /// How long a request may wait in the queue when `submit` is given no timeout.
    public let defaultQueueTimeout: Duration?

    private struct Job {
        let id: UInt64
        let input: Input
        let enqueued: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant?
        let continuation: CheckedContinuation<ModelPoolResult<Output>, any Error>
    }

    private struct WarmUp {
        let inputs: [Input]
        let continuation: CheckedContinuation<Void, any Error>
    }

    // Everything below is guarded by `condition`; all waiting (workers) happens on it too.
    private let condition = NSCondition()
    private var queue: [Job] = []
    /// Places held by ``reserve()`` for requests still being prepared; they count against the capacity.
    private var reserved = 0
    private var nextID: UInt64 = 0
    private var accepting = true
    private var gatheringWorker: Int? = nil
    private var inFlight = 0
    private var liveWorkers: Int
    private var startFailures: [Int: ModelPoolError] = [:]
    private var warmUpMailbox: [Int: WarmUp] = [:]
    private var warmed: Set<Int> = []
    private var batchSizeCounts: [Int]
    private var completed = 0
    private var rejectedOverloaded = 0
    private var expiredInQueue = 0
    private var cancelledInQueue = 0
    private var cancelledBeforeBatch = 0
    /// Jobs taken by a worker whose batch has not started yet: id -> cancelled since.
    private var taken: [UInt64: Bool] = [:]
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

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
        self.liveWorkers = workers
        self.batchSizeCounts = Array(repeating: 0, count: maxBatch)
        for index in 0..<workers {
            let threadName = "\(name)-\(index)"
            let thread = Thread { [self] in
                // Named from inside: on Linux a name set before start() does not reach the thread.
                Thread.current.name = threadName
                self.workerMain(index: index, makeState: makeState, runBatch: runBatch)
            }
            thread.start()
        }
    }

    /// True once every worker has run its warm-up batch, until draining begins: the pool's part of
    /// the service's readiness (``ServiceReadiness``).
    public var isReady: Bool { statistics.isReady }

    public var statistics: ModelPoolStatistics {
        condition.lock(); defer { condition.unlock() }
        return ModelPoolStatistics(
            workers: workerCount, warmedWorkers: warmed.count, queueDepth: queue.count,
            queueCapacity: queueCapacity, inFlight: inFlight, batchSizeCounts: batchSizeCounts,
            completed: completed, rejectedOverloaded: rejectedOverloaded,
            expiredInQueue: expiredInQueue, cancelledInQueue: cancelledInQueue,
            cancelledBeforeBatch: cancelledBeforeBatch, isAccepting: accepting)
    }

    /// Holds a place in the queue for a request whose input is still being prepared (a photo to
    /// decode), so that a full queue refuses it before that work is spent on it. Pass the slot to
    /// ``submit(_:slot:queueTimeout:)``, which takes the place, or give it back with ``release(_:)``
    /// (a no-op once submitted). Throws ``ModelPoolError/overloaded`` when the queued and reserved
    /// requests fill the capacity, ``ModelPoolError/shuttingDown`` after ``drain()`` began.
    public func reserve() throws -> QueueSlot {
        condition.lock(); defer { condition.unlock() }
        if let refusal = refusalLocked() { throw refusal }
        reserved += 1
        return QueueSlot()
    }

    /// Gives back a slot from ``reserve()`` that was not submitted.
    public func release(_ slot: QueueSlot) {
        condition.lock(); defer { condition.unlock() }
        if slot.take() { reserved -= 1 }
    }

    /// Why a request arriving now is refused, if it is; counts overload refusals. Call with the lock held.
    private func refusalLocked() -> (any Error)? {
        if !accepting { return ModelPoolError.shuttingDown }
        if liveWorkers == 0, let failure = startFailures.values.first { return failure }
        if queue.count + reserved >= queueCapacity {
            rejectedOverloaded += 1
            return ModelPoolError.overloaded
        }
        return nil
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
                if let slot, slot.take() { reserved -= 1 }
                let refusal: (any Error)?
                if Task.isCancelled {
                    cancelledInQueue += 1
                    refusal = CancellationError()
                } else if let refused = refusalLocked() {
                    refusal = refused
                } else {
                    refusal = nil
                    queue.append(Job(id: id, input: input, enqueued: now,
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
            accepting = false
            condition.broadcast()
            if queue.isEmpty && inFlight == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                drainWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    // MARK: - Internals

    private func warmUp(worker: Int, inputs: [Input]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            if let failure = startFailures[worker] {
                condition.unlock()
                continuation.resume(throwing: failure)
                return
            }
            if !accepting {
                condition.unlock()
                continuation.resume(throwing: ModelPoolError.shuttingDown)
                return
            }
            warmUpMailbox[worker] = WarmUp(inputs: inputs, continuation: continuation)
            condition.broadcast()
            condition.unlock()
        }
    }

    private func allocateID() -> UInt64 {
        condition.lock(); defer { condition.unlock() }
        nextID &+= 1
        return nextID
    }

    /// The task of job `id` was cancelled: out of the queue now, or out of its batch before it starts.
    private func cancel(id: UInt64) {
        // One critical section: a worker taking the job between two would lose the cancellation.
        condition.lock()
        var resume: (() -> Void)? = nil
        if taken[id] == false {
            taken[id] = true  // `run` drops it before its batch starts
        } else {
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
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
        let job = queue.remove(at: index)
        if error as? ModelPoolError == .deadlineExceeded { expiredInQueue += 1 }
        if error is CancellationError { cancelledInQueue += 1 }
        let waiters = takeDrainWaitersIfDrained()
        return {
            job.continuation.resume(throwing: error)
            waiters.forEach { $0.resume() }
        }
    }

    /// Call with the lock held.
    private func takeDrainWaitersIfDrained() -> [CheckedContinuation<Void, Never>] {
        guard !accepting, queue.isEmpty, inFlight == 0, !drainWaiters.isEmpty else { return [] }
        defer { drainWaiters = [] }
        return drainWaiters
    }

    private enum Work {
        case warmUp(WarmUp)
        case batch([Job])
        case exit
    }

    private func workerMain<WorkerState>(
        index: Int,
        makeState: @Sendable (Int) throws -> WorkerState,
        runBatch: @Sendable (inout WorkerState, [Input]) throws -> [Output]
    ) {
        var state: WorkerState
        do {
            state = try makeState(index)
        } catch {
            workerFailedToStart(index: index, error: error)
            return
        }
        while true {
            switch nextWork(worker: index) {
            case .exit:
                return
            case let .warmUp(warmUp):
                do {
                    let outputs = try runBatch(&state, warmUp.inputs)
                    guard outputs.count == warmUp.inputs.count else {
                        throw ModelPoolError.batchSizeMismatch(inputs: warmUp.inputs.count, outputs: outputs.count)
                    }
                    condition.lock()
                    warmed.insert(index)
                    condition.unlock()
                    warmUp.continuation.resume()
                } catch {
                    warmUp.continuation.resume(throwing: error)
                }
            case let .batch(jobs):
                run(jobs, state: &state, runBatch: runBatch)
            }
        }
    }

    private func run<WorkerState>(
        _ batch: [Job], state: inout WorkerState,
        runBatch: @Sendable (inout WorkerState, [Input]) throws -> [Output]
    ) {
        // The last moment a cancelled request can still be dropped without costing inference.
        condition.lock()
        var jobs: [Job] = [], cancelled: [Job] = []
        for job in batch {
            if taken.removeValue(forKey: job.id) == true { cancelled.append(job) } else { jobs.append(job) }
        }
        if !cancelled.isEmpty {
            cancelledBeforeBatch += cancelled.count
            inFlight -= cancelled.count
        }
        let emptied = jobs.isEmpty ? takeDrainWaitersIfDrained() : []
        if jobs.isEmpty { condition.broadcast() }
        condition.unlock()
        cancelled.forEach { $0.continuation.resume(throwing: CancellationError()) }
        guard !jobs.isEmpty else {
            emptied.forEach { $0.resume() }
            return
        }
        let start = ContinuousClock.now
        let outcome: Result<[Output], any Error>
        do {
            let outputs = try runBatch(&state, jobs.map(\.input))
            outcome = outputs.count == jobs.count
                ? .success(outputs)
                : .failure(ModelPoolError.batchSizeMismatch(inputs: jobs.count, outputs: outputs.count))
        } catch {
            outcome = .failure(error)
        }
        let computeTime = ContinuousClock.now - start
        condition.lock()
        inFlight -= jobs.count
        completed += jobs.count
        batchSizeCounts[jobs.count - 1] += 1
        let waiters = takeDrainWaitersIfDrained()
        condition.broadcast()
        condition.unlock()
        switch outcome {
        case let .success(outputs):
            for (job, output) in zip(jobs, outputs) {
                job.continuation.resume(returning: ModelPoolResult(
                    output: output, queueWait: start - job.enqueued,
                    computeTime: computeTime, batchSize: jobs.count))
            }
        case let .failure(error):
            jobs.forEach { $0.continuation.resume(throwing: error) }
        }
        waiters.forEach { $0.resume() }
    }

    /// Blocks until this worker has something to do. Takes and releases the lock itself.
    private func nextWork(worker: Int) -> Work {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let warmUp = warmUpMailbox.removeValue(forKey: worker) {
                return .warmUp(warmUp)
            }
            if gatheringWorker == nil && !queue.isEmpty {
                gatheringWorker = worker
                gatherMore()
                let (jobs, expired) = takeBatch()
                gatheringWorker = nil
                inFlight += jobs.count
                for job in jobs { taken[job.id] = false }
                condition.broadcast()
                if !expired.isEmpty {
                    // Resuming under the lock is safe: a continuation never runs code synchronously.
                    expired.forEach { $0.continuation.resume(throwing: ModelPoolError.deadlineExceeded) }
                }
                if !jobs.isEmpty { return .batch(jobs) }
                // Only expired jobs were taken: if that emptied a draining pool, nothing else will
                // wake its drain() callers.
                takeDrainWaitersIfDrained().forEach { $0.resume() }
                continue
            }
            if !accepting && queue.isEmpty && gatheringWorker == nil {
                return .exit
            }
            condition.wait()
        }
    }

    /// With the lock held: waits up to `maxBatchWait` for the queue to hold a full batch.
    private func gatherMore() {
        guard maxBatch > 1, maxBatchWait > .zero else { return }
        let until = Date(timeIntervalSinceNow: maxBatchWait.seconds)
        while accepting && !queue.isEmpty && queue.count < maxBatch && Date() < until {
            _ = condition.wait(until: until)
        }
    }

    /// With the lock held: removes up to `maxBatch` live jobs from the front, and any expired ones met.
    private func takeBatch() -> (jobs: [Job], expired: [Job]) {
        let now = ContinuousClock.now
        var jobs: [Job] = []
        var expired: [Job] = []
        var taken = 0
        for job in queue {
            if jobs.count == maxBatch { break }
            taken += 1
            if let deadline = job.deadline, deadline <= now { expired.append(job) } else { jobs.append(job) }
        }
        queue.removeFirst(taken)
        expiredInQueue += expired.count
        return (jobs, expired)
    }

    private func workerFailedToStart(index: Int, error: any Error) {
        let failure = ModelPoolError.workerStartFailed(worker: index, reason: String(describing: error))
        condition.lock()
        liveWorkers -= 1
        startFailures[index] = failure
        let warmUp = warmUpMailbox.removeValue(forKey: index)
        // With no worker left nothing would ever take the queue: fail it now rather than at deadlines.
        let orphans = liveWorkers == 0 ? queue : []
        if liveWorkers == 0 { queue = [] }
        let waiters = takeDrainWaitersIfDrained()
        condition.broadcast()
        condition.unlock()
        warmUp?.continuation.resume(throwing: failure)
        orphans.forEach { $0.continuation.resume(throwing: failure) }
        waiters.forEach { $0.resume() }
    }
}
