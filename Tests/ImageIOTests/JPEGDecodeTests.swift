import Testing
@testable import ImageIO

@Suite struct JPEGDecodeTests {
    /// The pattern make_fixtures.py encodes into baseline/progressive/gray.jpg.
    static func pattern() -> [UInt8] {
        var out: [UInt8] = []
        for y in 0..<48 {
            for x in 0..<64 {
                out += [UInt8(x * 255 / 64), UInt8(y * 255 / 48), UInt8(128 + ((x / 8 + y / 8) % 2) * 60)]
            }
        }
        return out
    }

    @Test(arguments: ["baseline.jpg", "progressive.jpg"])
    func colourJPEGMatchesItsSourcePattern(name: String) throws {
        let image = try ImageDecoder.decode(Fixtures.bytes(name))
        #expect(image.size == PixelSize(width: 64, height: 48))
        // Against the source: lossy (q90, 4:2:0 smears the blue checkerboard), so a loose bound.
        let diff = differences(image.pixels, Self.pattern())
        #expect(diff.mean < 5, "\(name): mean difference \(diff.mean)")
        // Against Pillow's decode of the same file (also libjpeg-turbo, islow IDCT, fancy upsampling).
        let pillow = differences(image.pixels, try Fixtures.bytes(name + ".pillow.rgb"))
        #expect(pillow.max <= 2, "\(name): max difference from Pillow \(pillow.max)")
    }

    @Test func grayscaleJPEGBecomesEqualRGBChannels() throws {
        let image = try ImageDecoder.decode(Fixtures.bytes("gray.jpg"))
        #expect(image.size == PixelSize(width: 64, height: 48))
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            #expect(image.pixels[i] == image.pixels[i + 1] && image.pixels[i] == image.pixels[i + 2])
        }
    }

    /// Pillow writes Adobe (inverted) CMYK: left half cyan, right half 50% black.
    @Test func adobeCMYKIsConvertedToRGB() throws {
        let image = try ImageDecoder.decode(Fixtures.bytes("cmyk.jpg"))
        let cyan = image.pixel(x: 4, y: 8), gray = image.pixel(x: 28, y: 8)
        #expect(cyan.r < 10 && cyan.g > 245 && cyan.b > 245, "\(cyan)")
        #expect(abs(Int(gray.r) - 127) < 8 && abs(Int(gray.g) - 127) < 8 && abs(Int(gray.b) - 127) < 8, "\(gray)")
    }

    @Test func encoderRoundTripsThroughDecoder() throws {
        let source = syntheticPhoto(width: 96, height: 64)
        for progressive in [false, true] {
            let bytes = try ImageEncoder.jpeg(source, quality: 95, progressive: progressive)
            let decoded = try ImageDecoder.decode(bytes)
            #expect(decoded.size == source.size)
            #expect(differences(decoded.pixels, source.pixels).mean < 3)
        }
    }

    @Test func validProgressiveFileWithSixtyFourScansDecodes() throws {
        let image = try ImageDecoder.decode(Fixtures.bytes("progressive_64_scans.jpg"))
        #expect(image.size == PixelSize(width: 8, height: 8))
    }
}
