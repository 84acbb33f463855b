import DepthNet
@testable import DepthService
import ImageIO
import Testing

/// `ImagePreparation`, the network's input preparation: decode upright, lay over the frame, cut the
/// windows, normalise.
@Suite struct ImagePreparationTests {
    let preparation: ImagePreparation

    init() throws { preparation = ImagePreparation(model: try ServiceFixtures.tinyModel()) }

    @Test func paperModelReadsTheCropOfThePapersFrame() {
        #expect(preparation.inputSize == PixelSize(width: 304, height: 228))
        #expect(preparation.frameSize == PixelSize(width: 320, height: 240))
        #expect(ImagePreparation.inputSize(of: .paper) == preparation.inputSize)
    }

    /// A 3:2 photo stored on its side (EXIF orientation 6): two windows of the input size, and the
    /// upright size of the original.
    @Test func prepareCutsWindowsOfTheUprightPhoto() throws {
        let bytes = PipelineFixtures.withOrientation(try PipelineFixtures.jpeg(width: 32, height: 48), .rotate90Clockwise)
        let prepared = try preparation.prepare(bytes)
        #expect(prepared.originalSize == PixelSize(width: 48, height: 32))
        #expect(prepared.windowCount == 2, "48x32 is 3:2, wider than 4:3: two windows")
        #expect(prepared.inputSize == preparation.inputSize)
        #expect(prepared.planes.count == 2 * 3 * 304 * 228)
        #expect(prepared.photo == nil)
        #expect(try preparation.prepare(bytes, keepPhoto: true).photo?.size == PixelSize(width: 48, height: 32))
    }

    /// The planes are the model's normalisation of the layout's windows, in window order.
    @Test func planesAreTheNormalisedWindows() throws {
        let photo = try PipelineFixtures.photo(width: 640, height: 360)
        let header = ImageHeader(format: .png, storedSize: photo.size, orientation: .up)
        let layout = preparation.layout(photo: photo.size)
        let prepared = try preparation.prepare(photo, header: header, layout: layout)
        let windows = layout.windowImages(of: photo, padColor: preparation.normalization.meanColor)
        #expect(windows.count == 2)
        var expected = [Float](repeating: .nan, count: prepared.planes.count)  // (2, 3, 228, 304)
        try expected.withUnsafeMutableBufferPointer { batch in
            for (index, window) in windows.enumerated() {
                try preparation.normalization.writePlanes(rgb: window.pixels, into: batch, index: index)
            }
        }
        #expect(Array(prepared.planes) == expected)
    }

    /// A padded photo's frame is the colour the model's normalisation takes to zero (for ImageNet
    /// statistics, the ImageNet mean colour), so the network sees no picture there.
    @Test func padFillsTheFrameWithTheColourThatNormalisesToZero() throws {
        #expect(preparation.normalization.mean == [0.485, 0.456, 0.406])
        let grey = preparation.normalization.meanColor
        #expect(grey == (124, 116, 104))
        let photo = RGBImage(width: 120, height: 240, filledWith: (255, 0, 0))  // 1:2, inside the frame's middle
        let header = ImageHeader(format: .png, storedSize: photo.size, orientation: .up)
        let prepared = try preparation.prepare(photo, header: header, layout: preparation.layout(photo: photo.size, fit: .pad))
        let plane = 304 * 228
        for c in 0..<3 {
            // Pixel (0, 100) of the crop, left of the photo.
            #expect(abs(prepared.planes[c * plane + 100 * 304]) < 0.01, "channel \(c): \(prepared.planes[c * plane + 100 * 304])")
        }
    }

    @Test func refusesALayoutWhoseCropIsNotTheModelsInput() throws {
        let photo = try PipelineFixtures.photo(width: 320, height: 240)
        let header = ImageHeader(format: .png, storedSize: photo.size, orientation: .up)
        let layout = FrameLayout(photo: photo.size, frame: photo.size, crop: PixelSize(width: 300, height: 228))
        #expect(throws: ImageError.invalidArgument("prepared image is 300x228, the model reads 304x228")) {
            try preparation.prepare(photo, header: header, layout: layout)
        }
    }
}
