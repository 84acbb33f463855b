/// The workers of a ``ModelPool`` as the pool sees them: how many are alive, why any failed to
/// start, the warm-up batch each has been handed and which have run theirs.
///
/// A value guarded by its pool's lock, like ``ModelPoolQueue``.
struct ModelPoolRoster<Input: Sendable> {
    /// A warm-up batch handed to one worker, and the ``ModelPool/warmUp(_:)`` call waiting for it.
    struct WarmUp {
        let inputs: [Input]
        let continuation: CheckedContinuation<Void, any Error>
    }

    /// Workers that have not failed to start.
    private(set) var liveWorkers: Int
    private var startFailures: [Int: ModelPoolError] = [:]
    private var mailbox: [Int: WarmUp] = [:]
    /// Workers whose state exists and that have run their warm-up batch.
    private(set) var warmed: Set<Int> = []

    init(workers: Int) {
        liveWorkers = workers
    }

    /// Why no request can ever run: every worker failed to start (one of their failures); nil while one lives.
    var noWorkerLeft: ModelPoolError? {
        liveWorkers == 0 ? startFailures.values.first : nil
    }

    /// Why `worker` failed to start, if it did.
    func startFailure(of worker: Int) -> ModelPoolError? {
        startFailures[worker]
    }

    /// Hands `warmUp` to `worker`, which takes it with ``takeWarmUp(for:)``.
    mutating func post(_ warmUp: WarmUp, to worker: Int) {
        mailbox[worker] = warmUp
    }

    /// The warm-up batch handed to `worker`, if one waits for it.
    mutating func takeWarmUp(for worker: Int) -> WarmUp? {
        mailbox.removeValue(forKey: worker)
    }

    /// `worker` ran its warm-up batch.
    mutating func markWarmed(_ worker: Int) {
        warmed.insert(worker)
    }

    /// Records that `worker` failed to start with `failure`, and returns the warm-up batch it had
    /// been handed, if any (to fail it).
    mutating func failedToStart(_ worker: Int, _ failure: ModelPoolError) -> WarmUp? {
        liveWorkers -= 1
        startFailures[worker] = failure
        return mailbox.removeValue(forKey: worker)
    }
}
