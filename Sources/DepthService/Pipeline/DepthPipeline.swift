import DepthNet
import ImageIO

/// The one path from photo bytes to encoded depth, shared by `POST /v1/depth` and `depthd predict`:
/// `prepare` (decode, resize, crop, normalise) -> `predict` (a batch through a `Predictor`, log depth
/// -> metres) -> `render` (native or photo size, then png16 / json / color).
///
/// The HTTP side runs `prepare` and `render` on its request tasks and `predict` inside
/// `ModelPool` workers (each owning a `Predictor`); the CLI calls the same three in sequence.
public struct DepthPipeline: Sendable {
    public let model: DepthModel
    public let preparation: ImagePreparation

    /// A pipeline for `model`, refusing photos above `maxPixels` before decoding them.
    public init(model: DepthModel, maxPixels: Int = DecodeLimits().maxPixels) {
        self.model = model
        preparation = ImagePreparation(model: model, maxPixels: maxPixels)
    }

    /// The network's output grid size (e.g. 74x55).
    public var outputSize: PixelSize {
        PixelSize(width: model.architecture.outputWidth, height: model.architecture.outputHeight)
    }

    /// Decodes and prepares one photo. Throws `ImageError`.
    public func prepare(_ bytes: [UInt8]) throws -> PreparedImage {
        try preparation.prepare(bytes)
    }

    /// Runs `images` through `predictor` in one call (at most `predictor.maximumBatchSize`) and
    /// returns one depth map per image, in order. Throws `PredictorError` when the batch is empty,
    /// too large, or an image was prepared for another input size.
    public static func predict(images: [PreparedImage], predictor: Predictor) throws -> [DepthMap] {
        let architecture = predictor.model.architecture
        let gridSize = PixelSize(width: architecture.outputWidth, height: architecture.outputHeight)
        let inputLength = predictor.inputLength
        var input = [Float]()                                            // (N, 3, H, W)
        input.reserveCapacity(images.count * inputLength)
        for image in images {
            guard image.planes.count == inputLength else {
                throw PredictorError.bufferSize(name: "prepared image", actual: image.planes.count, expected: inputLength)
            }
            input += image.planes
        }
        let logDepth = try predictor.predictLogDepth(input, count: images.count) // (N, oh, ow)
        let area = predictor.outputLength
        return try images.enumerated().map { index, image in
            try DepthMap(logDepth: logDepth[index * area ..< (index + 1) * area], gridSize: gridSize, image: image)
        }
    }

    /// The depth map at `options.size`, encoded as `options.format`. Throws `ImageError` if encoding fails.
    public func render(_ map: DepthMap, options: DepthRequestOptions) throws -> EncodedDepth {
        try DepthEncoder.encode(map.grid(size: options.size), format: options.format, modelName: model.name)
    }
}
