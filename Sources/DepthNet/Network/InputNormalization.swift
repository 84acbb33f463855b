/// How 8-bit RGB pixels become network input: `(pixel / 255 - mean[c]) / std[c]`, planar (N, 3, H, W).
public struct InputNormalization: Sendable, Equatable, Codable {
    /// Per-channel mean, R, G, B, on the 0...1 scale.
    public var mean: [Float]
    /// Per-channel standard deviation, R, G, B.
    public var std: [Float]

    public init(mean: [Float], std: [Float]) { (self.mean, self.std) = (mean, std) }

    /// Normalises one 8-bit channel value of channel `channel` (0 = R, 1 = G, 2 = B).
    @inlinable public func normalize(_ pixel: UInt8, channel: Int) -> Float {
        (Float(pixel) / 255 - mean[channel]) / std[channel]
    }

    func validate() throws(ModelError) {
        guard mean.count == 3, std.count == 3 else {
            throw .invalidMetadata(key: "input_normalization", reason: "mean and std must each have 3 values (R, G, B)")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalidMetadata(key: "input_normalization", reason: "mean must be finite and std finite and positive")
        }
    }
}
