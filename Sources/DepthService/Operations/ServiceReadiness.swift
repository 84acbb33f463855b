import Foundation

/// Whether the service takes depth requests: the one answer that `/readyz`, the
/// `Expect: 100-continue` check, the `depthd_ready` gauge and ``DepthApplication/isReady`` read.
///
/// Ready once every model worker has run its warm-up batch, until a drain begins. A drain begins
/// when ``beginDrain()`` is called, before the listener closes and long before the model pool
/// stops accepting (it finishes the requests in progress first), so readiness turns off at once.
public final class ServiceReadiness: Sendable {
    public enum State: Sendable, Equatable {
        /// `warmed` of `workers` model workers have run their warm-up batch.
        case warmingUp(warmed: Int, workers: Int)
        /// Every worker is warm and no drain has begun.
        case ready(workers: Int)
        /// Shutting down: new requests belong on another replica.
        case draining
    }

    private let draining = DrainFlag()
    private let statistics: @Sendable () -> ModelPoolStatistics

    public init<Input, Output>(pool: ModelPool<Input, Output>) {
        statistics = { pool.statistics }
    }

    public var state: State {
        let pool = statistics()
        if draining.isSet || !pool.isAccepting { return .draining }
        if !pool.isWarm { return .warmingUp(warmed: pool.warmedWorkers, workers: pool.workers) }
        return .ready(workers: pool.workers)
    }

    /// True in ``State/ready(workers:)``.
    public var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    /// True once every worker has run its warm-up batch, draining or not: requests already
    /// received during a drain are still served.
    var isWarm: Bool { statistics().isWarm }

    /// Readiness turns off for good (the start of a drain). Safe to call more than once.
    func beginDrain() { draining.set() }
}

/// Set once when draining begins; read from any thread.
private final class DrainFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
