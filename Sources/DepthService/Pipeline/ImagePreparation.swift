import DepthNet
import ImageIO

/// Bytes of a photo -> `PreparedImage` for one model: the network's input preparation, in one
/// place. Decode upright (DCT-scaled for large JPEGs, pixel cap checked from the header), lay the
/// photo over the frame (`FrameLayout`), resize, centre-crop each window to the model's input,
/// normalise with the model's `InputNormalization`. Errors are `ImageError`, whose messages name
/// the cause.
public struct ImagePreparation: Sendable {
    /// The paper's test-time frame (Eigen et al. 2014): photos are resized to 320x240, then
    /// centre-cropped to the network's input (`Architecture.paper`, 304x228).
    public static let paperFrame = PixelSize(width: 320, height: 240)

    /// The size the network reads (the crop), from the model's architecture.
    public let inputSize: PixelSize
    /// The size photos are resized to before the centre crop.
    public let frameSize: PixelSize
    public let normalization: InputNormalization
    public let limits: DecodeLimits

    /// Preparation for `model`'s input size and normalisation, refusing photos above `maxPixels`.
    public init(model: DepthModel, maxPixels: Int = DecodeLimits().maxPixels) {
        self.init(architecture: model.architecture, normalization: model.normalization,
                  limits: DecodeLimits(maxPixels: maxPixels))
    }

    public init(architecture: Architecture, normalization: InputNormalization, limits: DecodeLimits = DecodeLimits()) {
        inputSize = Self.inputSize(of: architecture)
        frameSize = Self.frameSize(forInput: inputSize)
        self.normalization = normalization
        self.limits = limits
    }

    /// The input size `architecture` reads.
    public static func inputSize(of architecture: Architecture) -> PixelSize {
        PixelSize(width: architecture.inputWidth, height: architecture.inputHeight)
    }

    /// The paper resizes to 320x240 and crops 304x228; other input sizes keep that ratio per axis,
    /// so the crop border is the same fraction of the frame.
    public static func frameSize(forInput input: PixelSize) -> PixelSize {
        let paperCrop = inputSize(of: .paper)
        if input == paperCrop { return paperFrame }
        return PixelSize(
            width: Int((Double(input.width) * Double(paperFrame.width) / Double(paperCrop.width)).rounded()),
            height: Int((Double(input.height) * Double(paperFrame.height) / Double(paperCrop.height)).rounded()))
    }

    /// How a photo of `size` (upright) is laid over this model's frame for `fit`.
    public func layout(photo size: PixelSize, fit: FrameLayout.Fit = .tile) -> FrameLayout {
        FrameLayout(photo: size, frame: frameSize, crop: inputSize, fit: fit)
    }

    /// Decodes and prepares one photo: one window for a 4:3 photo, overlapping windows at its own
    /// aspect ratio otherwise (`fit: .tile`), or squashed to one frame (`fit: .squash`); with
    /// `keepPhoto` the decoded photo stays for point cloud colours. Throws `ImageError` (not an
    /// image, unsupported format, truncated, corrupt, too many pixels...).
    public func prepare(_ bytes: [UInt8], fit: FrameLayout.Fit = .tile, keepPhoto: Bool = false) throws -> PreparedImage {
        let header = try ImageDecoder.probe(bytes, limits: limits)
        let layout = self.layout(photo: header.size, fit: fit)
        // DCT-scaled to no less than what the layout needs.
        let image = try ImageDecoder.decode(bytes, header: header, minimumSize: layout.resized, limits: limits)
        return try prepare(image, header: header, layout: layout, keepPhoto: keepPhoto)
    }

    /// Prepares a decoded upright photo laid out by `layout` (whose crop must be `inputSize`):
    /// cuts each window's input from it and normalises them. With `keepPhoto` the photo stays in
    /// the result.
    public func prepare(_ image: RGBImage, header: ImageHeader, layout: FrameLayout, keepPhoto: Bool = false) throws -> PreparedImage {
        let windows = layout.windowImages(of: image, padColor: normalization.meanColor)
        let plane = 3 * inputSize.width * inputSize.height
        let planes = PooledFloats(uninitializedCount: windows.count * plane) // (n, 3, H, W)
        try planes.withUnsafeMutableBufferPointer { buffer in
            for (index, window) in windows.enumerated() {
                guard window.size == inputSize else {
                    throw ImageError.invalidArgument("prepared image is \(window.size), the model reads \(inputSize)")
                }
                try normalization.writePlanes(rgb: window.pixels, into: buffer, index: index)
            }
        }
        return PreparedImage(planes: planes, inputSize: inputSize, layout: layout, header: header,
                             photo: keepPhoto ? image : nil)
    }

    /// A mid-grey 4:3 photo of the frame's size, prepared (for warm-up batches).
    public func blank() -> PreparedImage {
        let layout = self.layout(photo: frameSize)
        return PreparedImage(planes: [Float](repeating: 0, count: 3 * inputSize.width * inputSize.height), inputSize: inputSize,
                             layout: layout, header: ImageHeader(format: .png, storedSize: frameSize, orientation: .up))
    }
}
