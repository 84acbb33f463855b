/// One output with the timings the service reports (Server-Timing, model latency histogram).
public struct ModelPoolResult<Output: Sendable>: Sendable {
    public var output: Output
    /// Time spent in the queue before a worker took the request.
    public var queueWait: Duration
    /// Wall time of the batch that computed this output (shared by every request in that batch).
    public var computeTime: Duration
    /// How many requests ran in that batch.
    public var batchSize: Int
}
