/// The waiting side of a ``ModelPool``: its queue of jobs and the places reserved in it, which
/// arrivals are admitted, how a batch is taken from the front, which taken jobs were cancelled
/// before their batch started, who waits for the pool to drain, and the counters behind
/// ``ModelPoolStatistics``.
///
/// A value guarded by its pool's lock: every member is used with that lock held, and none waits on
/// it (the worker that gathers a batch waits between calls, see ``ModelPoolWorker``).
struct ModelPoolQueue<Input: Sendable, Output: Sendable> {
    /// A request in the queue, or taken by a worker, until its continuation is resumed.
    struct Job {
        let id: UInt64
        let input: Input
        let enqueued: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant?
        let continuation: CheckedContinuation<ModelPoolResult<Output>, any Error>
    }

    /// Queued and reserved requests beyond which arrivals are refused as overloaded.
    let capacity: Int
    let maxBatch: Int
    /// Waiting for a worker, oldest first.
    private(set) var jobs: [Job] = []
    /// Places held by ``reserve()`` for requests still being prepared; they count against the capacity.
    private var reserved = 0
    private var nextID: UInt64 = 0
    /// False once draining began: arrivals are refused, and workers exit once the queue is empty.
    private(set) var accepting = true
    /// The worker gathering a batch, if any: one at a time, so that idle workers do not split a forming batch.
    var gatheringWorker: Int? = nil
    /// Requests inside batches that workers have taken and not finished.
    private(set) var inFlight = 0
    /// Jobs taken by a worker whose batch has not started yet: id -> cancelled since.
    private var taken: [UInt64: Bool] = [:]
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var batchSizeCounts: [Int]
    private var completed = 0
    private var rejectedOverloaded = 0
    private var expiredInQueue = 0
    private var cancelledInQueue = 0
    private var cancelledBeforeBatch = 0

    init(capacity: Int, maxBatch: Int) {
        self.capacity = capacity
        self.maxBatch = maxBatch
        batchSizeCounts = Array(repeating: 0, count: maxBatch)
    }

    /// A new job id, never 0.
    mutating func allocateID() -> UInt64 {
        nextID &+= 1
        return nextID
    }

    // MARK: - Admission

    /// Why a request arriving now is refused, if it is: draining, every worker failed to start
    /// (`noWorkerLeft`, that failure), or the queued and reserved requests fill the capacity
    /// (counted in ``ModelPoolStatistics/rejectedOverloaded``).
    mutating func refusal(noWorkerLeft: ModelPoolError?) -> (any Error)? {
        if !accepting { return ModelPoolError.shuttingDown }
        if let noWorkerLeft { return noWorkerLeft }
        if jobs.count + reserved >= capacity {
            rejectedOverloaded += 1
            return ModelPoolError.overloaded
        }
        return nil
    }

    /// Holds a place for a request still being prepared; call after ``refusal(noWorkerLeft:)`` said none.
    mutating func reserve() {
        reserved += 1
    }

    /// Gives back the place `slot` holds, the first time only (a slot already submitted or released holds none).
    mutating func release(_ slot: QueueSlot) {
        if slot.take() { reserved -= 1 }
    }

    /// Queues an admitted job behind the others.
    mutating func enqueue(_ job: Job) {
        jobs.append(job)
    }

    /// Counts a request whose task was cancelled before it could be queued.
    mutating func countCancelledOnArrival() {
        cancelledInQueue += 1
    }

    /// Stops admitting requests, for draining.
    mutating func stopAccepting() {
        accepting = false
    }

    // MARK: - Leaving the queue

    /// If job `id` was taken by a worker whose batch has not started, marks it cancelled (the
    /// worker drops it, see ``dropCancelled(from:)``) and returns true; else false.
    mutating func markTakenJobCancelled(id: UInt64) -> Bool {
        guard taken[id] == false else { return false }
        taken[id] = true
        return true
    }

    /// Takes job `id` out of the queue if it is there, counting why (its deadline or its
    /// cancellation); nil if it is not queued. The caller resumes it, after unlocking.
    mutating func remove(id: UInt64, failingWith error: any Error) -> Job? {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return nil }
        let job = jobs.remove(at: index)
        if error as? ModelPoolError == .deadlineExceeded { expiredInQueue += 1 }
        if error is CancellationError { cancelledInQueue += 1 }
        return job
    }

    /// Takes every queued job out (no worker is left to run them).
    mutating func removeAll() -> [Job] {
        defer { jobs = [] }
        return jobs
    }

    // MARK: - Batches

    /// Removes up to ``maxBatch`` live jobs from the front, and any expired ones met on the way
    /// (counted); the live ones are in flight and taken (cancellable until their batch starts).
    mutating func takeBatch() -> (jobs: [Job], expired: [Job]) {
        let now = ContinuousClock.now
        var batch: [Job] = []
        var expired: [Job] = []
        var removed = 0
        for job in jobs {
            if batch.count == maxBatch { break }
            removed += 1
            if let deadline = job.deadline, deadline <= now { expired.append(job) } else { batch.append(job) }
        }
        jobs.removeFirst(removed)
        expiredInQueue += expired.count
        inFlight += batch.count
        for job in batch { taken[job.id] = false }
        return (batch, expired)
    }

    /// Splits a taken batch that is about to start into the jobs to run and those cancelled since
    /// they were taken; the cancelled ones leave flight (counted in
    /// ``ModelPoolStatistics/cancelledBeforeBatch``). Every job stops being cancellable.
    mutating func dropCancelled(from batch: [Job]) -> (run: [Job], cancelled: [Job]) {
        var run: [Job] = [], cancelled: [Job] = []
        for job in batch {
            if taken.removeValue(forKey: job.id) == true { cancelled.append(job) } else { run.append(job) }
        }
        if !cancelled.isEmpty {
            cancelledBeforeBatch += cancelled.count
            inFlight -= cancelled.count
        }
        return (run, cancelled)
    }

    /// A batch of `size` jobs has run, or failed: out of flight, counted.
    mutating func finishBatch(size: Int) {
        inFlight -= size
        completed += size
        batchSizeCounts[size - 1] += 1
    }

    // MARK: - Draining

    /// Nothing queued and nothing in flight.
    var isIdle: Bool { jobs.isEmpty && inFlight == 0 }

    /// Adds a caller of ``ModelPool/drain()`` to resume once the pool is idle.
    mutating func addDrainWaiter(_ waiter: CheckedContinuation<Void, Never>) {
        drainWaiters.append(waiter)
    }

    /// The drain callers to resume now, if draining has begun and the pool is idle; they are
    /// handed out once. The caller resumes them, after unlocking.
    mutating func takeDrainWaitersIfDrained() -> [CheckedContinuation<Void, Never>] {
        guard !accepting, isIdle, !drainWaiters.isEmpty else { return [] }
        defer { drainWaiters = [] }
        return drainWaiters
    }

    // MARK: - Statistics

    /// The counters and the queue's state now, with the workers' from the pool's roster.
    func statistics(workers: Int, warmedWorkers: Int) -> ModelPoolStatistics {
        ModelPoolStatistics(
            workers: workers, warmedWorkers: warmedWorkers, queueDepth: jobs.count,
            queueCapacity: capacity, inFlight: inFlight, batchSizeCounts: batchSizeCounts,
            completed: completed, rejectedOverloaded: rejectedOverloaded,
            expiredInQueue: expiredInQueue, cancelledInQueue: cancelledInQueue,
            cancelledBeforeBatch: cancelledBeforeBatch, isAccepting: accepting)
    }
}
