import ImageIO

/// A photo ready for the network: the normalised planar floats of each of its windows and what is
/// needed to map the network's depth back onto the whole photo.
public struct PreparedImage: Sendable {
    /// (n, 3, H, W) normalised planar floats, R then G then B, one image per window of `layout`,
    /// H x W = `inputSize`. Pooled: the block goes back to `BufferPool.shared` with the last
    /// reference, for the next request.
    public let planes: PooledFloats
    /// The network input size (each window's centre crop), e.g. 304x228.
    public let inputSize: PixelSize
    /// How the photo was laid over the frame (windows, scale).
    public let layout: FrameLayout
    /// The photo's header: upright size, EXIF orientation and lens tags.
    public let header: ImageHeader
    /// The decoded upright photo, kept only when the answer needs its colours (format=ply).
    public let photo: RGBImage?

    public init(planes: PooledFloats, inputSize: PixelSize, layout: FrameLayout, header: ImageHeader, photo: RGBImage? = nil) {
        self.planes = planes
        self.inputSize = inputSize
        self.layout = layout
        self.header = header
        self.photo = photo
    }

    /// The same from an array of planes (copied into a pooled block).
    public init(planes: [Float], inputSize: PixelSize, layout: FrameLayout, header: ImageHeader, photo: RGBImage? = nil) {
        self.init(planes: PooledFloats(planes), inputSize: inputSize, layout: layout, header: header, photo: photo)
    }

    /// How many network inputs the photo gives (its windows).
    public var windowCount: Int { layout.windows.count }
    /// The frame each window has, e.g. 320x240.
    public var frameSize: PixelSize { layout.frame }
    /// The upright size of the original photo.
    public var originalSize: PixelSize { header.size }
}
