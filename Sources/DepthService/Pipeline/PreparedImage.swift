import ImageIO

/// A photo ready for the network: its normalised planar floats and the geometry needed to map the
/// network's depth grid back onto the whole photo.
public struct PreparedImage: Sendable {
    /// (3, H, W) normalised planar floats, R then G then B, H x W = `inputSize`.
    public let planes: [Float]
    /// The network input size (the centre crop), e.g. 304x228.
    public let inputSize: PixelSize
    /// The frame the photo was resized to before cropping, e.g. 320x240.
    public let frameSize: PixelSize
    /// The upright size of the original photo.
    public let originalSize: PixelSize

    public init(planes: [Float], inputSize: PixelSize, frameSize: PixelSize, originalSize: PixelSize) {
        self.planes = planes
        self.inputSize = inputSize
        self.frameSize = frameSize
        self.originalSize = originalSize
    }
}
