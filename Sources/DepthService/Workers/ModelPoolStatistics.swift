/// A point-in-time view of the pool for metrics and readiness.
public struct ModelPoolStatistics: Sendable, Equatable {
    public var workers: Int
    /// Workers whose state exists and that have run their warm-up batch.
    public var warmedWorkers: Int
    public var queueDepth: Int
    public var queueCapacity: Int
    /// Requests inside batches that workers are running now.
    public var inFlight: Int
    /// `batchSizeCounts[n - 1]` is how many batches of `n` requests ran (warm-up batches excluded).
    public var batchSizeCounts: [Int]
    public var completed: Int
    public var rejectedOverloaded: Int
    public var expiredInQueue: Int
    /// Requests whose task was cancelled while they waited in the queue (removed at once, slot freed).
    public var cancelledInQueue: Int
    /// Requests a worker had taken whose task was cancelled before their batch started (not run).
    public var cancelledBeforeBatch: Int
    public var isAccepting: Bool

    /// Every worker has run its warm-up batch.
    public var isWarm: Bool { warmedWorkers == workers }
    /// Warm and accepting requests: the pool's part of the service's readiness (``ModelPool/isReady``).
    public var isReady: Bool { isAccepting && isWarm }
}
