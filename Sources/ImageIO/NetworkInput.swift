/// Preparation of a photo for the network, as in the paper's test time: resize to 320x240, then
/// centre-crop 304x228, then normalise into planar floats.
public enum NetworkInput {
    /// The size every photo is resized to before cropping (the paper's 320x240).
    public static let resizedSize = PixelSize(width: 320, height: 240)
    /// The centre crop the network sees (the paper's 304x228).
    public static let cropSize = PixelSize(width: 304, height: 228)

    /// A decoded photo ready for the network, with the size of the photo it came from.
    public struct Prepared: Sendable {
        /// The network inputs, `crop` sized, one per window of `layout`.
        public let windows: [RGBImage]
        /// How the photo was laid over the frame.
        public let layout: FrameLayout
        /// The photo's header (upright size, EXIF orientation and lens tags).
        public let header: ImageHeader
        /// The decoded upright photo (DCT-scaled for large JPEGs), when asked for with `keepPhoto`.
        public let photo: RGBImage?

        /// The upright size of the original photo (the size depth is returned at).
        public var originalSize: PixelSize { header.size }
    }

    /// Decodes `bytes` (DCT-scaled to no less than what the layout needs) and cuts the network's
    /// inputs from it: one window for a 4:3 photo, overlapping windows at the photo's own aspect
    /// ratio otherwise (`FrameLayout`, `fit`). With `keepPhoto`, the decoded photo comes back too
    /// (for point cloud colours).
    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = DecodeLimits(),
                              resized: PixelSize = resizedSize, crop: PixelSize = cropSize,
                              fit: FrameLayout.Fit = .tile, keepPhoto: Bool = false) throws -> Prepared {
        let header = try ImageDecoder.probe(bytes, limits: limits)
        let layout = FrameLayout(photo: header.size, frame: resized, crop: crop, fit: fit)
        let image = try ImageDecoder.decode(bytes, header: header, minimumSize: layout.resized, limits: limits)
        return Prepared(windows: layout.windowImages(of: image), layout: layout, header: header,
                        photo: keepPhoto ? image : nil)
    }

    /// Resizes `image` to exactly `resized` (320x240), anti-aliased, then centre-crops `crop`
    /// (304x228): the paper's test-time preparation, and `FrameLayout.Fit.squash` (a photo that is
    /// not 4:3 is squashed or stretched). `decode` uses `FrameLayout`, which keeps the aspect ratio.
    public static func prepare(_ image: RGBImage, resized: PixelSize = resizedSize,
                               crop: PixelSize = cropSize) -> RGBImage {
        image.resized(width: resized.width, height: resized.height)
            .centreCropped(width: crop.width, height: crop.height)
    }

    /// The region of a depth grid of `gridSize` (which covers the crop) that corresponds to the
    /// whole resized frame, for `FloatGrid.resampledBilinear(width:height:region:)`: resampling
    /// over it to the photo's size yields depth for every pixel of the photo.
    public static func depthRegion(gridSize: PixelSize, resized: PixelSize = resizedSize,
                                   crop: PixelSize = cropSize) -> FloatGrid.Region {
        let cropX = Double((resized.width - crop.width) / 2), cropY = Double((resized.height - crop.height) / 2)
        let sx = Double(gridSize.width) / Double(crop.width), sy = Double(gridSize.height) / Double(crop.height)
        return FloatGrid.Region(x0: -cropX * sx, y0: -cropY * sy,
                                x1: (Double(resized.width) - cropX) * sx, y1: (Double(resized.height) - cropY) * sy)
    }

    /// Writes `(pixel / 255 - mean[c]) / std[c]` for image number `index` of a planar batch
    /// `buffer` laid out (N, 3, H, W) with H, W the image's size. Throws when `mean`/`std` are
    /// not three finite values (std non-zero) or `buffer` has no room for image `index`.
    public static func writeNormalizedPlanes(_ image: RGBImage, mean: [Float], std: [Float],
                                             into buffer: UnsafeMutableBufferPointer<Float>, index: Int) throws {
        guard mean.count == 3, std.count == 3, mean.allSatisfy(\.isFinite),
              std.allSatisfy({ $0.isFinite && $0 != 0 })
        else { throw ImageError.invalidArgument("normalisation needs three finite means and non-zero stds") }
        let plane = image.width * image.height
        guard index >= 0, (index + 1) * 3 * plane <= buffer.count, let base = buffer.baseAddress else {
            throw ImageError.invalidArgument("a buffer of \(buffer.count) floats has no room for image \(index)"
                + " of 3x\(image.height)x\(image.width)")
        }
        let offset = index * 3 * plane
        let scale = (0..<3).map { 1 / (255 * std[$0]) }
        let shift = (0..<3).map { -mean[$0] / std[$0] }
        image.pixels.withUnsafeBufferPointer { pixels in
            for c in 0..<3 {
                let target = base + offset + c * plane
                for i in 0..<plane { target[i] = Float(pixels[3 * i + c]) * scale[c] + shift[c] }
            }
        }
    }
}
