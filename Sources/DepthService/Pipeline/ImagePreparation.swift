import DepthNet
import ImageIO

/// Bytes of a photo -> `PreparedImage` for one model: decode upright (DCT-scaled for large JPEGs,
/// pixel cap checked from the header), resize to the frame, centre-crop to the model's input,
/// normalise with the model's normalisation. Errors are `ImageError`, whose messages name the cause.
public struct ImagePreparation: Sendable {
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
        inputSize = PixelSize(width: architecture.inputWidth, height: architecture.inputHeight)
        frameSize = Self.frameSize(forInput: inputSize)
        self.normalization = normalization
        self.limits = limits
    }

    /// The paper resizes to 320x240 and crops 304x228; other input sizes keep that ratio per axis,
    /// so the crop border is the same fraction of the frame.
    public static func frameSize(forInput input: PixelSize) -> PixelSize {
        let paperFrame = NetworkInput.resizedSize, paperCrop = NetworkInput.cropSize
        if input == paperCrop { return paperFrame }
        return PixelSize(
            width: Int((Double(input.width) * Double(paperFrame.width) / Double(paperCrop.width)).rounded()),
            height: Int((Double(input.height) * Double(paperFrame.height) / Double(paperCrop.height)).rounded()))
    }

    /// Decodes and prepares one photo: one window for a 4:3 photo, overlapping windows at its own
    /// aspect ratio otherwise (`fit: .tile`), or squashed to one frame (`fit: .squash`); with
    /// `keepPhoto` the decoded photo stays for point cloud colours. Throws `ImageError` (not an
    /// image, unsupported format, truncated, corrupt, too many pixels...).
    public func prepare(_ bytes: [UInt8], fit: FrameLayout.Fit = .tile, keepPhoto: Bool = false) throws -> PreparedImage {
        let decoded = try NetworkInput.decode(bytes, limits: limits, resized: frameSize, crop: inputSize,
                                              fit: fit, keepPhoto: keepPhoto)
        return try prepare(decoded)
    }

    /// Prepares an image already decoded and cut by `NetworkInput` (its windows are `inputSize`).
    public func prepare(_ decoded: NetworkInput.Prepared) throws -> PreparedImage {
        let plane = 3 * inputSize.width * inputSize.height
        var planes = [Float](repeating: 0, count: decoded.windows.count * plane) // (n, 3, H, W)
        try planes.withUnsafeMutableBufferPointer { buffer in
            for (index, window) in decoded.windows.enumerated() {
                guard window.size == inputSize else {
                    throw ImageError.invalidArgument("prepared image is \(window.size), the model reads \(inputSize)")
                }
                try NetworkInput.writeNormalizedPlanes(window, mean: normalization.mean, std: normalization.std,
                                                       into: buffer, index: index)
            }
        }
        return PreparedImage(planes: planes, inputSize: inputSize, layout: decoded.layout, header: decoded.header,
                             photo: decoded.photo)
    }

    /// A mid-grey 4:3 photo of the frame's size, prepared (for warm-up batches).
    public func blank() -> PreparedImage {
        let layout = FrameLayout(photo: frameSize, frame: frameSize, crop: inputSize)
        return PreparedImage(planes: [Float](repeating: 0, count: 3 * inputSize.width * inputSize.height), inputSize: inputSize,
                             layout: layout, header: ImageHeader(format: .png, storedSize: frameSize, orientation: .up))
    }
}
