import Testing
@testable import ImageIO

@Suite struct ResizeTests {
    /// The separable fast path equals the 2-D reference within one level (float rounding).
    @Test(arguments: [(37, 29, 10, 7), (37, 29, 12, 29), (20, 15, 53, 41), (64, 48, 64, 17), (5, 3, 7, 11)])
    func fastResizeMatchesReference(w: Int, h: Int, outW: Int, outH: Int) {
        let image = syntheticPhoto(width: w, height: h)
        let fast = ImageResizer.resize(image, width: outW, height: outH)
        let reference = ImageResizer.resizeReference(image, width: outW, height: outH)
        #expect(fast.size == PixelSize(width: outW, height: outH))
        #expect(differences(fast.pixels, reference.pixels).max <= 1)
    }

    /// Enlarging is exactly bilinear with pixel centres aligned: 2 pixels [0, 200] to 4 gives
    /// [0, 50, 150, 200] (edges clamped).
    @Test func enlargingIsBilinear() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 200, 100, 40])
        let out = ImageResizer.resize(image, width: 4, height: 1)
        #expect(out.pixels == [0, 0, 0, 50, 25, 10, 150, 75, 30, 200, 100, 40])
    }

    /// Shrinking averages: a one-pixel checkerboard halved becomes flat mid grey (no aliasing).
    @Test func shrinkingIsAntiAliased() throws {
        var pixels: [UInt8] = []
        for y in 0..<16 { for x in 0..<16 { pixels += [UInt8](repeating: (x + y) % 2 == 0 ? 255 : 0, count: 3) } }
        let out = ImageResizer.resize(try RGBImage(width: 16, height: 16, pixels: pixels), width: 5, height: 5)
        #expect(out.pixels.allSatisfy { abs(Int($0) - 128) <= 20 }, "\(out.pixels)")
    }

    @Test func centreCropTakesTheMiddle() throws {
        let image = try RGBImage(width: 4, height: 3, pixels: (0..<12).flatMap { [UInt8($0), 0, 0] })
        let crop = image.centreCropped(width: 2, height: 1)
        #expect(crop.pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) == [5, 6])
    }
}
