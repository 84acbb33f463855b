/// A dense row-major F32 tensor: the unit of weights, golden activations and test data.
/// The engine's hot path works on preallocated raw workspaces instead (see `Predictor`).
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first, e.g. (N, C, H, W).
    public let shape: [Int]
    /// `shape.reduce(1, *)` values in row-major order.
    public var values: [Float]

    /// A tensor of the given shape; `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "Tensor values do not match shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// A zero-filled tensor of the given shape.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { values.count }
}
