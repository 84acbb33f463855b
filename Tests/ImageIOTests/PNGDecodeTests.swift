import Testing
@testable import ImageIO

@Suite struct PNGDecodeTests {
    static let names = [
        "png_gray1", "png_gray2", "png_gray4", "png_gray8", "png_gray16", "png_gray16_interlaced",
        "png_rgb8", "png_rgb16", "png_rgb8_interlaced", "png_rgb16_interlaced",
        "png_gray_alpha8", "png_gray_alpha16", "png_rgba8", "png_rgba16",
        "png_palette1", "png_palette2", "png_palette4", "png_palette8", "png_palette4_trns",
        "png_gray8_trns", "png_rgb8_trns",
    ]

    /// Every colour type and bit depth decodes to the RGB that make_fixtures.py computed on its
    /// own (16-bit rounded, alpha over white), within one level for rounding.
    @Test(arguments: names)
    func decodesToIndependentlyComputedRGB(name: String) throws {
        let image = try ImageDecoder.decode(Fixtures.bytes(name + ".png"))
        let expected = try Fixtures.bytes(name + ".rgb")
        #expect(image.width == 17 && image.height == 13)
        let diff = differences(image.pixels, expected)
        #expect(diff.max <= 1, "\(name): max difference \(diff.max)")
    }

    @Test func probeReadsHeaderOnly() throws {
        let header = try ImageDecoder.probe(Fixtures.bytes("png_rgb16_interlaced.png"))
        #expect(header.format == .png)
        #expect(header.storedSize == PixelSize(width: 17, height: 13))
        #expect(header.orientation == .up)
    }
}
