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

    /// Decodes and prepares one photo for `options` (its fit; the photo's colours kept for ply). Throws `ImageError`.
    public func prepare(_ bytes: [UInt8], options: DepthRequestOptions = DepthRequestOptions()) throws -> PreparedImage {
        try preparation.prepare(bytes, fit: options.fit, keepPhoto: options.format == .ply)
    }

    /// Runs the windows of `images` through `predictor`, in calls of at most
    /// `predictor.maximumBatchSize` windows, and returns one depth map per image, in order (each
    /// image's windows blended by `WindowMosaic`). Throws `PredictorError` when there are no
    /// images or an image was prepared for another input size.
    public static func predict(images: [PreparedImage], predictor: Predictor) throws -> [DepthMap] {
        let architecture = predictor.model.architecture
        let gridSize = PixelSize(width: architecture.outputWidth, height: architecture.outputHeight)
        let inputLength = predictor.inputLength, area = predictor.outputLength
        guard !images.isEmpty else { throw PredictorError.batchSize(requested: 0, maximum: predictor.maximumBatchSize) }
        // Every window of every image, in order: (image index, window index).
        var windows: [(image: Int, window: Int)] = []
        for (index, image) in images.enumerated() {
            guard image.planes.count == image.windowCount * inputLength else {
                throw PredictorError.bufferSize(name: "prepared image", actual: image.planes.count,
                                                expected: image.windowCount * inputLength)
            }
            windows += (0..<image.windowCount).map { (index, $0) }
        }
        var logDepth = [Float]()                                         // (windows, oh, ow)
        logDepth.reserveCapacity(windows.count * area)
        for start in stride(from: 0, to: windows.count, by: predictor.maximumBatchSize) {
            let chunk = windows[start..<min(start + predictor.maximumBatchSize, windows.count)]
            let first = chunk[chunk.startIndex], last = chunk[chunk.endIndex - 1]
            let output: [Float]                                          // (N, oh, ow)
            if first.image == last.image {
                // Consecutive windows of one image (every call without micro-batching): its planes
                // as they are, without a copy of a megabyte-sized input per request.
                let window = first.window * inputLength ..< (last.window + 1) * inputLength
                output = try images[first.image].planes.withUnsafeBufferPointer { planes throws(PredictorError) in
                    try predictor.predictLogDepth(input: UnsafeBufferPointer(rebasing: planes[window]), count: chunk.count)
                }
            } else {
                var input = [Float]()                                    // (N, 3, H, W)
                input.reserveCapacity(chunk.count * inputLength)
                for entry in chunk {
                    images[entry.image].planes.withUnsafeBufferPointer { planes in
                        input += UnsafeBufferPointer(rebasing: planes[entry.window * inputLength ..< (entry.window + 1) * inputLength])
                    }
                }
                output = try predictor.predictLogDepth(input, count: chunk.count)
            }
            logDepth += output
        }
        var next = 0
        return try images.map { image in
            let slices = (0..<image.windowCount).map { offset in
                logDepth[(next + offset) * area ..< (next + offset + 1) * area]
            }
            next += image.windowCount
            return try DepthMap(windowLogDepth: slices, gridSize: gridSize, image: image)
        }
    }

    /// The camera `map`'s depth is scaled with for `options`. Throws ``InvalidParameter`` naming `focal_px` for an
    /// implausible focal length, or `points` / `known` for a pixel outside the photo.
    public func camera(for map: DepthMap, options: DepthRequestOptions) throws(InvalidParameter) -> PhotoCamera {
        try camera(header: map.header, layout: map.layout, options: options)
    }

    /// Checks, before the model runs, what `camera(for:options:)` and `render` would refuse for
    /// this photo (the focal length, pixels outside it).
    public func check(_ image: PreparedImage, options: DepthRequestOptions) throws(InvalidParameter) {
        _ = try camera(header: image.header, layout: image.layout, options: options)
    }

    /// The one rule both of the above apply: the pixels inside the upright photo, then its camera.
    private func camera(header: ImageHeader, layout: FrameLayout, options: DepthRequestOptions) throws(InvalidParameter) -> PhotoCamera {
        try options.checkPoints(inside: header.size)
        return try PhotoCamera.resolve(request: options.focal, header: header, layout: layout, model: model.camera)
    }

    /// `map` scaled to metres for its camera (and to the known distances), at `options.size`,
    /// encoded as `options.format`. Throws ``InvalidParameter`` for parameters that do not fit
    /// this photo, `ImageError` if encoding fails.
    public func render(_ map: DepthMap, options: DepthRequestOptions) throws -> EncodedDepth {
        let camera = try camera(for: map, options: options)
        var scaled = map.scaled(by: camera.depthFactor)
        var context = DepthContext(modelName: model.name, camera: camera, colorRange: options.colorRange)
        if !options.known.isEmpty {
            let fit = try DepthMeasurement.fit(options.known, on: scaled)
            scaled = scaled.scaled(by: fit.factor)
            context.knownFit = fit
        }
        context.points = DepthMeasurement.measure(options.points, on: scaled, focalPx: camera.focalPx)
        if options.format == .png16, options.size == .input {
            // The default answer: its photo-size grid lives in a pooled block.
            return try scaled.withPhotoSizeGrid { values, size in
                try DepthEncoder.encodePNG16(values, width: size.width, height: size.height, context: context)
            }
        }
        let grid = scaled.grid(size: options.size)
        guard options.format == .ply else {
            return try DepthEncoder.encode(grid, format: options.format, context: context)
        }
        let step = PointCloudEncoder.step(for: PixelSize(width: grid.width, height: grid.height), requested: options.step)
        let focal = camera.focalPx(gridWidth: grid.width, photoWidth: map.originalSize.width)
        let comments = [("focal_px", DepthEncoder.decimal(focal)), ("scale_source", context.scaleSource ?? "model"),
                        ("step", String(step)), ("frame", "opencv x-right y-down z-forward metres")]
        let cloud = PointCloudEncoder.encode(grid, focalPx: focal, photo: scaled.photo, step: step, comments: comments)
        var facts = DepthEncoder.facts(for: grid, format: .ply, context: context)
        facts += [(.points, String(cloud.points)), (.step, String(step))]
        return EncodedDepth(bytes: cloud.bytes, format: .ply, facts: facts)
    }
}
