import Testing
@testable import ImageIO

@Suite struct EncoderTests {
    @Test func rgbPNGRoundTripsExactly() throws {
        let image = syntheticPhoto(width: 31, height: 17)
        let decoded = try ImageDecoder.decode(ImageEncoder.png(image))
        #expect(decoded == image)
    }

    /// Reads the chunks of a PNG from its bytes: (type, data).
    static func chunks(_ png: [UInt8]) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        var i = 8
        while i + 12 <= png.count {
            let length = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            out.append((String(decoding: png[i + 4..<i + 8], as: UTF8.self), Array(png[i + 8..<i + 8 + length])))
            i += 12 + length
        }
        return out
    }

    @Test func sixteenBitPNGCarriesDepthAndTextChunks() throws {
        let values: [UInt16] = [0, 1, 257, 1000, 32768, 65535]
        let png = try ImageEncoder.png16(values, width: 3, height: 2, text: [("unit", "mm"), ("Software", "depthd")])
        let chunks = Self.chunks(png)
        let ihdr = try #require(chunks.first { $0.0 == "IHDR" }?.1)
        #expect(ihdr[8] == 16 && ihdr[9] == 0)  // bit depth 16, grayscale
        let texts = chunks.filter { $0.0 == "tEXt" }.map { String(decoding: $0.1, as: UTF8.self) }
        #expect(texts == ["unit\u{0}mm", "Software\u{0}depthd"])
        // Our decoder reads it (rounding to 8 bits): v * 255 / 65535.
        let decoded = try ImageDecoder.decode(png)
        let reds = stride(from: 0, to: decoded.pixels.count, by: 3).map { decoded.pixels[$0] }
        #expect(reds == values.map { UInt8((Double($0) * 255 / 65535).rounded()) })
    }

    @Test func invalidTextKeysAndSizesAreRefused() {
        #expect(throws: ImageError.self) { try ImageEncoder.png16([1], width: 1, height: 1, text: [("", "x")]) }
        #expect(throws: ImageError.self) { try ImageEncoder.png16([1], width: 1, height: 1, text: [("k\u{0}", "x")]) }
        #expect(throws: ImageError.self) { try ImageEncoder.png16([1, 2], width: 1, height: 1) }
        #expect(throws: ImageError.self) { try ImageEncoder.jpeg(RGBImage(width: 1, height: 1, filledWith: (0, 0, 0)), quality: 0) }
    }
}

@Suite struct ColorMapTests {
    static func luminance(_ p: (r: UInt8, g: UInt8, b: UInt8)) -> Double {
        0.2126 * Double(p.r) + 0.7152 * Double(p.g) + 0.0722 * Double(p.b)
    }

    /// Inferno reversed (the depth preview's map): the smallest value is bright and warm, the
    /// largest dark.
    @Test func reversedMapMakesLowValuesBrightAndWarmHighDark() throws {
        let grid = try FloatGrid(width: 3, height: 1, values: [1, 5, 10])
        let image = ColorMap.inferno.reversed.colorize(grid)
        let low = image.pixel(x: 0, y: 0), middle = image.pixel(x: 1, y: 0), high = image.pixel(x: 2, y: 0)
        #expect(Self.luminance(low) > Self.luminance(middle) && Self.luminance(middle) > Self.luminance(high))
        #expect(low.r > low.b)  // warm
        #expect(high.r < 20 && high.g < 20)
    }

    /// Inferno itself runs the other way: low dark, high bright and warm, the same end colours.
    @Test func mapMakesLowValuesDarkHighBrightAndWarm() throws {
        let grid = try FloatGrid(width: 3, height: 1, values: [1, 5, 10])
        let image = ColorMap.inferno.colorize(grid), reversed = ColorMap.inferno.reversed.colorize(grid)
        #expect(image.pixel(x: 0, y: 0) == reversed.pixel(x: 2, y: 0) && image.pixel(x: 2, y: 0) == reversed.pixel(x: 0, y: 0))
        #expect(Self.luminance(image.pixel(x: 2, y: 0)) > Self.luminance(image.pixel(x: 1, y: 0)))
        #expect(ColorMap.inferno.color(at: 0.25) == ColorMap.inferno.reversed.color(at: 0.75))
    }

    @Test func tableLuminanceRisesMonotonically() {
        var previous = -1.0
        for i in 0...255 {
            let c = ColorMap.inferno.color(at: Float(i) / 255)
            let l = Self.luminance((c.0, c.1, c.2))
            #expect(l >= previous - 0.5, "entry \(i)")
            previous = l
        }
    }

    @Test func missingValuesAreGrey() throws {
        let image = ColorMap.inferno.colorize(try FloatGrid(width: 2, height: 1, values: [.nan, 3]))
        #expect(image.pixel(x: 0, y: 0) == (128, 128, 128))
    }
}

@Suite struct FloatGridTests {
    /// Bilinear resampling reproduces a linear ramp exactly away from the clamped borders.
    @Test func bilinearReproducesLinearFunctions() throws {
        let grid = try FloatGrid(width: 4, height: 3, values: (0..<12).map { Float($0 % 4) * 2 + Float($0 / 4) * 10 })
        let out = grid.resampledBilinear(width: 8, height: 6)
        // Output x centre 3.5/8*4 - 0.5 = 1.25 in grid units -> value 2.5; y 2.5/6*3-0.5 = 0.75 -> 7.5.
        #expect(abs(out.values[2 * 8 + 3] - (2.5 + 7.5)) < 1e-5)
        #expect(out.values[0] == grid.values[0])  // clamped corner
    }

    @Test func regionBeyondTheGridExtendsTheBorder() throws {
        let grid = try FloatGrid(width: 2, height: 1, values: [1, 3])
        let out = grid.resampledBilinear(width: 4, height: 1, region: .init(x0: -1, y0: 0, x1: 3, y1: 1))
        #expect(out.values == [1, 1, 3, 3])
    }
}
