import Testing
import TestSupport
@testable import ImageIO

/// `ImageResizer.resize` gives the same bytes as `PreviousImageResizer.resize`, the loops it
/// replaced: the rewrite changed how the sums are computed, not what they are.
@Suite struct ResizeBitExactTests {
    /// Random bytes (every value 0...255 is likely at these sizes), so that no rounding is hidden
    /// by a smooth image.
    static func noise(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var generator = SplitMix64(state: seed)
        let pixels = (0..<width * height * 3).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        return try! RGBImage(width: width, height: height, pixels: pixels)
    }

    static func expectSameBytes(_ image: RGBImage, width: Int, height: Int,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = ImageResizer.resize(image, width: width, height: height)
        let previous = PreviousImageResizer.resize(image, width: width, height: height)
        #expect(fast.size == PixelSize(width: max(width, 1), height: max(height, 1)), sourceLocation: sourceLocation)
        #expect(fast.pixels.count == previous.pixels.count, sourceLocation: sourceLocation)
        let differing = (0..<min(fast.pixels.count, previous.pixels.count)).filter { fast.pixels[$0] != previous.pixels[$0] }
        let shape = "\(image.size) -> \(width)x\(height)"
        #expect(differing.isEmpty, "\(shape): \(differing.count) bytes differ, the first at \(differing.first ?? 0)",
                sourceLocation: sourceLocation)
    }

    /// Shrinking and enlarging in each axis, 1-pixel sides, extreme ratios both ways, ratios
    /// whose tap count differs from one output to the next, and the benchmark's 16:9 cases.
    @Test(arguments: [
        (480, 270, 427, 240), (640, 480, 480, 270), (640, 360, 320, 180), (270, 480, 240, 427),
        (4000, 10, 7, 3), (10, 4000, 3, 7), (7, 3, 4000, 10), (3, 7, 10, 400),
        (1, 1, 1, 1), (1, 1, 9, 5), (9, 5, 1, 1), (1, 40, 1, 13), (40, 1, 13, 1), (1, 13, 5, 40), (13, 1, 40, 5),
        (2, 2, 3, 3), (37, 29, 10, 7), (37, 29, 12, 29), (37, 29, 37, 8), (20, 15, 53, 41), (64, 48, 64, 17),
        (5, 3, 7, 11), (100, 100, 99, 101), (101, 99, 100, 100), (333, 17, 32, 170), (31, 257, 311, 25),
    ])
    func resizeEqualsPreviousImplementation(w: Int, h: Int, outW: Int, outH: Int) {
        Self.expectSameBytes(Self.noise(width: w, height: h, seed: UInt64(w * 1_000_003 + h)), width: outW, height: outH)
    }

    /// Many random shapes: each side of the input and the output drawn from 1...97, so that most
    /// cases shrink one axis and enlarge the other at a ratio no list would think of.
    @Test func resizeEqualsPreviousImplementationOnRandomShapes() {
        var generator = SplitMix64(state: 0x5EED_12)
        for case_ in 0..<300 {
            let side = { (generator: inout SplitMix64) in Int(generator.next() % 97) + 1 }
            let w = side(&generator), h = side(&generator), outW = side(&generator), outH = side(&generator)
            Self.expectSameBytes(Self.noise(width: w, height: h, seed: UInt64(case_)), width: outW, height: outH)
        }
    }

    /// A smooth photo-like image at photo size (the 16:9 case of the codec benchmark): the same
    /// bytes where neighbouring pixels are close, as in real photos.
    @Test func resizeEqualsPreviousImplementationOnAPhoto() {
        Self.expectSameBytes(syntheticPhoto(width: 480, height: 270), width: 427, height: 240)
        Self.expectSameBytes(syntheticPhoto(width: 427, height: 240), width: 480, height: 270)
    }
}
