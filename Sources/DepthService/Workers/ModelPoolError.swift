/// Why a request given to a ``ModelPool`` produced no output.
public enum ModelPoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The queue was full; the service answers 503 with Retry-After. Thrown at once, never after waiting.
    case overloaded
    /// The pool is draining or drained and accepts no new work.
    case shuttingDown
    /// The request waited in the queue past its deadline without reaching a worker.
    case deadlineExceeded
    /// The batch function returned a different number of outputs than it was given inputs.
    case batchSizeMismatch(inputs: Int, outputs: Int)
    /// A worker could not create its state (for example, its workspaces); `reason` is the factory's error.
    case workerStartFailed(worker: Int, reason: String)

    public var description: String {
        switch self {
        case .overloaded: "the model queue is full"
        case .shuttingDown: "the model pool is shutting down"
        case .deadlineExceeded: "the request waited too long for a model worker"
        case let .batchSizeMismatch(inputs, outputs):
            "the batch function returned \(outputs) outputs for \(inputs) inputs"
        case let .workerStartFailed(worker, reason): "model worker \(worker) failed to start: \(reason)"
        }
    }
}
