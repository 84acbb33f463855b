/// How 8-bit RGB pixels become network input: `(pixel / 255 - mean[c]) / std[c]`, planar (N, 3, H, W).
/// Always valid: three finite means and three finite, positive standard deviations.
public struct InputNormalization: Sendable, Equatable, Codable {
    /// Per-channel mean, R, G, B, on the 0...1 scale.
    public let mean: [Float]
    /// Per-channel standard deviation, R, G, B.
    public let std: [Float]

    /// Throws `ModelError.invalidMetadata(key: "input_normalization", ...)` unless `mean` and
    /// `std` are three finite values each and every `std` is positive.
    public init(mean: [Float], std: [Float]) throws(ModelError) {
        guard mean.count == 3, std.count == 3 else {
            throw .invalidMetadata(key: "input_normalization", reason: "mean and std must each have 3 values (R, G, B)")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalidMetadata(key: "input_normalization", reason: "mean must be finite and std finite and positive")
        }
        (self.mean, self.std) = (mean, std)
    }

    enum CodingKeys: String, CodingKey { case mean, std }

    /// Decodes `{"mean": [...], "std": [...]}` and checks it as `init(mean:std:)` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(mean: try container.decode([Float].self, forKey: .mean), std: try container.decode([Float].self, forKey: .std))
    }

    /// The 8-bit colour closest to normalising to zero, `round(255 * mean)` per channel (clamped to
    /// 0...255): the grey a padded frame is filled with, which the network sees as "no picture".
    public var meanColor: (UInt8, UInt8, UInt8) {
        func byte(_ c: Int) -> UInt8 { UInt8(min(max(mean[c] * 255, 0), 255).rounded()) }
        return (byte(0), byte(1), byte(2))
    }

    /// The normalisation, the one the service's preparation runs and the golden test checks against
    /// PyTorch's input: writes image `index` of the planar batch `batch`, (N, 3, H, W), from
    /// `pixels`, the image's interleaved 8-bit R, G, B (H * W * 3 bytes, rows top to bottom). Each
    /// value is `pixel * (1 / (255 * std[c])) + (-mean[c] / std[c])`, the formula above with the
    /// division hoisted. Throws `PredictorError.bufferSize` when `batch` has no room for image `index`.
    public func writePlanes(rgb pixels: [UInt8], into batch: UnsafeMutableBufferPointer<Float>, index: Int) throws(PredictorError) {
        let plane = pixels.count / 3
        precondition(pixels.count == 3 * plane, "\(pixels.count) bytes are not whole RGB pixels")
        let end = (max(index, 0) + 1) * 3 * plane
        guard index >= 0, end <= batch.count, let base = batch.baseAddress else {
            throw .bufferSize(name: "input", actual: batch.count, expected: end)
        }
        let offset = index * 3 * plane
        let scale = (0..<3).map { 1 / (255 * std[$0]) }
        let shift = (0..<3).map { -mean[$0] / std[$0] }
        pixels.withUnsafeBufferPointer { pixels in
            for c in 0..<3 {
                let target = base + offset + c * plane // (H, W) plane c of image `index`
                for i in 0..<plane { target[i] = Float(pixels[3 * i + c]) * scale[c] + shift[c] }
            }
        }
    }
}
