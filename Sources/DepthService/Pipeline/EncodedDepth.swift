/// An encoded depth map: the bytes of a response body or output file, what they are, and what
/// they state about the depth. How an answer labels these (media types, `X-Depth-*` headers) is
/// the HTTP side's business (HTTP/DepthAnswerHeaders.swift); the CLI reads the facts by name.
public struct EncodedDepth: Sendable {
    /// The file or body bytes.
    public let bytes: [UInt8]
    /// The encoding of the bytes.
    public let format: DepthRequestOptions.Format
    /// What the answer states besides the depth values, in the order stated: unit and scale
    /// (png16, json, npy, ply), size, range in metres (when any estimate), focal length, scale
    /// source and the known-distance fit, then the colour range (color) or points and step (ply).
    public let facts: [(fact: DepthFact, value: String)]

    public init(bytes: [UInt8], format: DepthRequestOptions.Format, facts: [(fact: DepthFact, value: String)]) {
        self.bytes = bytes
        self.format = format
        self.facts = facts
    }

    /// The value stated for `fact`, or nil when the answer does not state it.
    public subscript(fact: DepthFact) -> String? {
        facts.first { $0.fact == fact }?.value
    }
}

/// A fact a depth answer states about its depth map besides the values.
public enum DepthFact: String, Sendable, CaseIterable {
    /// `mm` (png16) or `m`.
    case unit
    /// Metres per unit: `0.001` (png16) or `1`.
    case scale
    /// The grid's size in samples.
    case width, height
    /// The smallest and largest estimate, in metres.
    case min, max
    /// The focal length the depth was scaled with, in the photo's pixels.
    case focalPx
    /// Where the scale came from: `request`, `exif`, `model` or `known`.
    case scaleSource
    /// The factor and residual of the fit to known distances.
    case scaleFactor, scaleResidual
    /// The colour preview's fixed range in metres (color, when asked for).
    case colorMin, colorMax
    /// The point cloud's vertex count and subsampling step (ply).
    case points, step
}
