import DepthNet
@testable import DepthService
import Foundation
import ImageIO
import Testing

@Suite struct DepthPipelineTests {
    let pipeline: DepthPipeline

    init() throws { pipeline = DepthPipeline(model: try ServiceFixtures.tinyModel()) }

    @Test func nativeSizeIsTheNetworksOutputGrid() throws {
        let map = try PipelineFixtures.depthMap(try PipelineFixtures.jpeg(width: 640, height: 480), pipeline: pipeline)
        let grid = map.grid(size: .native)
        #expect(grid.width == 74 && grid.height == 55)
        #expect(grid.values.allSatisfy { $0.isFinite && $0 > 0 })
        // The fixture's weights give depths around 2.5 m that vary over the image.
        let range = try #require(grid.estimateRange)
        #expect(range.min < range.max)
    }

    @Test(arguments: [(640, 480), (300, 500), (333, 101)])
    func inputSizeCoversThePhoto(width: Int, height: Int) throws {
        let map = try PipelineFixtures.depthMap(try PipelineFixtures.jpeg(width: width, height: height), pipeline: pipeline)
        let native = map.grid(size: .native), full = map.grid(size: .input)
        #expect(full.width == width && full.height == height)
        // The photo's corners lie in the crop border, beyond the grid: they take the grid's corner values.
        #expect(abs(full.values[0] - native.values[0]) < 1e-5)
        #expect(abs(full.values[full.values.count - 1] - native.values[native.values.count - 1]) < 1e-5)
        #expect(full.values.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test(arguments: [(640, 480), (300, 500), (333, 101)])
    func photoSizePNG16FromThePooledGridIsTheArrayGridsEncoding(width: Int, height: Int) throws {
        let map = try PipelineFixtures.depthMap(try PipelineFixtures.jpeg(width: width, height: height), pipeline: pipeline)
        let grid = map.grid(size: .input)
        map.withPhotoSizeGrid { values, size in
            #expect(size == PixelSize(width: width, height: height))
            #expect(Array(values) == grid.values)
        }
        // render takes the pooled path for png16 at the photo's size; the array path encodes the same.
        let options = DepthRequestOptions()
        #expect(options.format == .png16 && options.size == .input)
        let rendered = try pipeline.render(map, options: options)
        let camera = try pipeline.camera(for: map, options: options)
        let expected = try DepthEncoder.encode(map.scaled(by: camera.depthFactor).grid(size: .input), format: .png16,
                                               context: DepthContext(modelName: pipeline.model.name, camera: camera))
        #expect(rendered.bytes == expected.bytes)
        #expect(rendered.facts.map(\.value) == expected.facts.map(\.value))
    }

    @Test func exifRotatedPhotoGetsDepthAtItsUprightSize() throws {
        let stored = try PipelineFixtures.jpeg(width: 400, height: 300)
        let rotated = PipelineFixtures.withOrientation(stored, .rotate90Clockwise)
        let map = try PipelineFixtures.depthMap(rotated, pipeline: pipeline)
        #expect(map.originalSize == PixelSize(width: 300, height: 400))
        let full = map.grid(size: .input)
        #expect(full.width == 300 && full.height == 400)
        // The network saw the upright photo, not the stored one.
        let unrotated = try PipelineFixtures.depthMap(stored, pipeline: pipeline)
        #expect(map.native.values != unrotated.native.values)
    }

    @Test func batchGivesTheSameMapsAsSingleImages() throws {
        let photos = try [(640, 480), (300, 500), (200, 200)].map { try PipelineFixtures.jpeg(width: $0.0, height: $0.1) }
        let prepared = try photos.map { try pipeline.prepare($0) }
        let predictor = try Predictor(model: pipeline.model, maximumBatchSize: 3)
        let batch = try DepthPipeline.predict(images: prepared, predictor: predictor)
        #expect(batch.count == 3)
        for (index, image) in prepared.enumerated() {
            let single = try DepthPipeline.predict(images: [image], predictor: predictor)[0]
            let largest = zip(single.native.values, batch[index].native.values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(largest < 1e-4, "image \(index): largest difference \(largest) m")
            #expect(batch[index].originalSize == image.originalSize)
        }
    }

    @Test func modelPoolRunsTheSamePipelineAsTheDirectCall() async throws {
        let model = pipeline.model
        let pool = ModelPool<PreparedImage, DepthMap>(
            workers: 1, queueCapacity: 8, maxBatch: 2, maxBatchWait: .milliseconds(50),
            makeState: { _ in try Predictor(model: model, maximumBatchSize: 2) },
            runBatch: { predictor, images in try DepthPipeline.predict(images: images, predictor: predictor) })
        let images = try [(640, 480), (300, 500)].map { try pipeline.prepare(PipelineFixtures.jpeg(width: $0.0, height: $0.1)) }
        async let first = pool.submit(images[0])
        async let second = pool.submit(images[1])
        let pooled = try await [first.output, second.output]
        await pool.drain()
        let direct = try DepthPipeline.predict(images: images, predictor: Predictor(model: model, maximumBatchSize: 2))
        for index in 0..<2 {
            let largest = zip(pooled[index].native.values, direct[index].native.values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(largest < 1e-4, "image \(index): largest difference \(largest) m")
            #expect(pooled[index].originalSize == images[index].originalSize)
        }
    }

    @Test func moreWindowsThanThePredictorHoldsRunInSeveralCallsWithTheSameResult() throws {
        // 9:16 gives three windows, 4:3 one: five windows through a predictor of two.
        let images = try [(270, 480), (64, 48), (270, 480)].map { try pipeline.prepare(PipelineFixtures.jpeg(width: $0.0, height: $0.1)) }
        #expect(images.map(\.windowCount) == [3, 1, 3])
        let small = try DepthPipeline.predict(images: images, predictor: Predictor(model: pipeline.model, maximumBatchSize: 2))
        let large = try DepthPipeline.predict(images: images, predictor: Predictor(model: pipeline.model, maximumBatchSize: 7))
        for (a, b) in zip(small, large) {
            let largest = zip(a.native.values, b.native.values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(largest < 1e-4)
        }
        #expect(throws: PredictorError.self) { try DepthPipeline.predict(images: [], predictor: Predictor(model: pipeline.model, maximumBatchSize: 1)) }
    }

    @Test func widePhotoIsPredictedAtItsOwnAspectRatioAcrossTwoWindows() throws {
        let map = try PipelineFixtures.depthMap(try PipelineFixtures.jpeg(width: 640, height: 360), pipeline: pipeline)
        #expect(map.layout.windows.count == 2)
        // The mosaic spans the resized 427x240 photo less the crop border, at the network's cell size.
        let cell = 304.0 / 74
        #expect(map.native.height == 55 && map.native.width == Int((Double(427 - 16) / cell).rounded()))
        #expect(map.native.values.allSatisfy { $0.isFinite && $0 > 0 })
        let full = map.grid(size: .input)
        #expect(full.width == 640 && full.height == 360 && full.values.allSatisfy { $0.isFinite && $0 > 0 })
    }

    /// Two windows of one photo that the network scales differently are brought to one scale:
    /// a mosaic of a window and the same window's prediction times 2 shows no step.
    @Test func windowsAreBroughtToOneScaleBeforeBlending() throws {
        let layout = FrameLayout(photo: PixelSize(width: 640, height: 360), frame: PixelSize(width: 320, height: 240),
                                 crop: PixelSize(width: 304, height: 228))
        // A log-depth ramp along x in resized pixels, sampled per window at its crop's cell centres;
        // the second window's prediction is 2x deeper (log + ln 2).
        let cell = 304.0 / 74
        func window(_ k: Int, shift: Float) -> ArraySlice<Float> {
            let x0 = Double(layout.windows[k].x + 8)
            return ArraySlice((0..<55).flatMap { _ in (0..<74).map { i in Float((x0 + (Double(i) + 0.5) * cell) / 400) + shift } })
        }
        let blended = try WindowMosaic.blend([window(0, shift: 0), window(1, shift: log(2))],
                                             gridSize: PixelSize(width: 74, height: 55), layout: layout)
        let row = Array(blended.logDepth.values[0..<blended.logDepth.width])
        let steps = zip(row, row.dropFirst()).map { $1 - $0 }
        let expected = Float((427.0 - 16) / Double(row.count) / 400)
        #expect(steps.allSatisfy { abs($0 - expected) < 1e-4 }, "a smooth ramp, no step where the windows meet")
        // Centred: half the factor of 2 on each side (no window preferred).
        let firstCentre = 8 + 0.5 * 411 / Double(row.count)
        let expectedFirst = Float(firstCentre / 400) + Float(log(2.0) / 2)
        #expect(abs(row[0] - expectedFirst) < 1e-3)
    }

    @Test func preparationKeepsImageIOErrors() throws {
        #expect(throws: ImageError.notAnImage) { try pipeline.prepare(Array("hello, world".utf8)) }
        let small = DepthPipeline(model: pipeline.model, maxPixels: 1000)
        #expect(throws: ImageError.tooManyPixels(width: 640, height: 480, limit: 1000)) {
            try small.prepare(try PipelineFixtures.jpeg(width: 640, height: 480))
        }
        let gif = Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20)
        #expect(throws: ImageError.unsupportedFormat(.gif)) { try pipeline.prepare(gif) }
    }

    @Test func frameKeepsThePapersRatioForOtherInputSizes() {
        #expect(ImagePreparation.frameSize(forInput: PixelSize(width: 304, height: 228)) == PixelSize(width: 320, height: 240))
        #expect(ImagePreparation.frameSize(forInput: PixelSize(width: 152, height: 114)) == PixelSize(width: 160, height: 120))
        #expect(ImagePreparation.frameSize(forInput: PixelSize(width: 96, height: 72)) == PixelSize(width: 101, height: 76))
    }

    @Test func preparedPlanesAreNormalisedWithTheModelsStatistics() throws {
        // A uniform grey photo: every plane holds (128 / 255 - mean) / std.
        let grey = try ImageEncoder.png(RGBImage(width: 400, height: 300, filledWith: (128, 128, 128)))
        let image = try pipeline.prepare(grey)
        #expect(image.inputSize == PixelSize(width: 304, height: 228))
        #expect(image.planes.count == 3 * 304 * 228)
        let normalization = pipeline.model.normalization
        for channel in 0..<3 {
            let expected = (Float(128) / 255 - normalization.mean[channel]) / normalization.std[channel]
            #expect(abs(image.planes[channel * 304 * 228 + 1000] - expected) < 1e-5)
        }
    }
}
