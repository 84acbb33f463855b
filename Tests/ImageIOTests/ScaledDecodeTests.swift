import Testing
@testable import ImageIO

@Suite struct ScaledDecodeTests {
    /// Tolerance of the DCT-scaled path against full decode + the same resize, both to the
    /// network's 320x240: mean absolute difference below 1 level, largest below 40 (the
    /// difference is concentrated on sharp edges, where libjpeg's scaled IDCT and the area filter
    /// place the edge a fraction of a pixel apart).
    @Test(arguments: [1, 2, 4])
    func scaledDecodeMatchesFullDecodePlusResize(factor: Int) throws {
        let source = syntheticPhoto(width: 320 * 8 / factor, height: 240 * 8 / factor)
        let bytes = try ImageEncoder.jpeg(source, quality: 92)
        let target = PixelSize(width: 320, height: 240)
        let header = try ImageDecoder.probe(bytes)
        #expect(ImageDecoder.jpegScale(header: header, minimumSize: target) == factor)
        let scaled = try ImageDecoder.decode(bytes, minimumSize: target).resized(width: 320, height: 240)
        let full = try ImageDecoder.decode(bytes).resized(width: 320, height: 240)
        let diff = differences(scaled.pixels, full.pixels)
        print("DCT scale \(factor)/8 vs full + resize: mean \(diff.mean), max \(diff.max)")
        #expect(diff.mean < 1, "mean \(diff.mean)")
        #expect(diff.max < 40, "max \(diff.max)")
    }

    @Test func scaleIsTheSmallestThatStillCoversTheNeededSize() {
        let header = ImageHeader(format: .jpeg, storedSize: PixelSize(width: 4000, height: 3000), orientation: .up)
        #expect(ImageDecoder.jpegScale(header: header, minimumSize: PixelSize(width: 320, height: 240)) == 1)
        #expect(ImageDecoder.jpegScale(header: header, minimumSize: PixelSize(width: 1000, height: 100)) == 2)
        #expect(ImageDecoder.jpegScale(header: header, minimumSize: PixelSize(width: 4001, height: 1)) == 8)
        #expect(ImageDecoder.scaledSize(PixelSize(width: 4001, height: 3001), scale: 1) == PixelSize(width: 501, height: 376))
    }

    /// With orientation 6 the needed upright 320x240 is 240x320 in the stored frame: a stored
    /// 2600x2000 photo at 1/8 (325x250) covers 320x240 but not 240x320.
    @Test func scaleAccountsForOrientation() {
        let stored = PixelSize(width: 2600, height: 2000)
        let upright = ImageHeader(format: .jpeg, storedSize: stored, orientation: .up)
        let rotated = ImageHeader(format: .jpeg, storedSize: stored, orientation: .rotate90Clockwise)
        let need = PixelSize(width: 320, height: 240)
        #expect(ImageDecoder.jpegScale(header: upright, minimumSize: need) == 1)
        #expect(ImageDecoder.jpegScale(header: rotated, minimumSize: need) == 2)  // 650x500 stored
    }
}

@Suite struct ScaledOrientedDecodeTests {
    /// A 1600x1200 JPEG tagged orientation 6 (upright 1200x1600) decoded for an upright
    /// 320x240 need: stored need is 240x320, so scale 3/8 (600x450 stored, 450x600 upright), and
    /// the result matches the full decode, rotated and resized, within the tolerance above.
    @Test func rotatedPhotoIsScaledAndTurnedUpright() throws {
        let encoded = try ImageEncoder.jpeg(syntheticPhoto(width: 1600, height: 1200), quality: 92)
        let app1 = Array(ExifReaderTests.jpeg(tiff: ExifReaderTests.littleEndian6).dropFirst(2).dropLast(4))
        let bytes = Array(encoded[0..<2]) + app1 + Array(encoded[2...])
        let header = try ImageDecoder.probe(bytes)
        #expect(header.orientation == .rotate90Clockwise && header.size == PixelSize(width: 1200, height: 1600))
        let scaled = try ImageDecoder.decode(bytes, minimumSize: PixelSize(width: 320, height: 240))
        #expect(scaled.size == PixelSize(width: 450, height: 600))
        let full = try ImageDecoder.decode(bytes)
        #expect(full.size == PixelSize(width: 1200, height: 1600))
        let diff = differences(scaled.resized(width: 240, height: 320).pixels, full.resized(width: 240, height: 320).pixels)
        #expect(diff.mean < 1 && diff.max < 40, "mean \(diff.mean), max \(diff.max)")
    }
}
