import Foundation
import Testing
@testable import ImageIO
import TestSupport

/// A depth map as the service makes one: a coarse field (metres) upsampled bilinearly, in mm.
func upsampledDepthSamples(width: Int, height: Int, seed: UInt64 = 1) throws -> [UInt16] {
    var random = SplitMix64(state: seed)
    let coarse = try FloatGrid(width: 74, height: 55, values: (0..<(74 * 55)).map { i in
        1 + 3 * Float(i % 74) / 74 + Float(i / 74) / 55 + 0.3 * random.unit()
    })
    let paper = FrameLayout(photo: PixelSize(width: 320, height: 240), frame: PixelSize(width: 320, height: 240), crop: PixelSize(width: 304, height: 228))
    let grid = coarse.resampledBilinear(width: width, height: height, region: paper.frameRegion(gridSize: PixelSize(width: 74, height: 55)))
    return Sample16.quantize(grid.values, scale: 1000)
}

@Suite struct FastPNGEncoderTests {
    /// Both encoders' files decode (libpng, which checks every CRC and the Adler-32) to `values`.
    func expectBothDecode(_ values: [UInt16], width: Int, height: Int, text: [(key: String, value: String)] = []) throws {
        let fast = try ImageEncoder.png16(values, width: width, height: height, text: text)
        let reference = try ImageEncoder.png16Reference(values, width: width, height: height, text: text)
        let decoded = try Gray16Image.decodePNG(fast)
        #expect(decoded.width == width && decoded.height == height)
        #expect(decoded.values == values, "\(width)x\(height)")
        #expect(try Gray16Image.decodePNG(reference).values == values)
    }

    @Test func png16OfARealisticDepthMapDecodesToItsSamplesAndIsNoLargerThanLibpngs() throws {
        let values = try upsampledDepthSamples(width: 640, height: 480)
        try expectBothDecode(values, width: 640, height: 480)
        let fast = try ImageEncoder.png16(values, width: 640, height: 480)
        let reference = try ImageEncoder.png16Reference(values, width: 640, height: 480)
        // Same filter, a comparable deflate: within 5 % of libpng + zlib level 1.
        #expect(Double(fast.count) < Double(reference.count) * 1.05, "\(fast.count) vs \(reference.count) bytes")
    }

    @Test func png16OfIncompressibleSamplesFallsBackToStoredBlocks() throws {
        var random = SplitMix64(state: 7)
        let values = (0..<(300 * 257)).map { _ in UInt16(truncatingIfNeeded: random.next()) }
        try expectBothDecode(values, width: 300, height: 257)
        let fast = try ImageEncoder.png16(values, width: 300, height: 257)
        // Stored: the filtered rows plus 5 bytes per 64 KiB block and the chunks, never more.
        #expect(fast.count < (300 * 2 + 1) * 257 + 1000)
    }

    @Test func png16OfTinyConstantAndExtremeGridsDecodesExactly() throws {
        for (width, height) in [(1, 1), (1, 9), (9, 1), (2, 2), (3, 5), (257, 3)] {
            var random = SplitMix64(state: UInt64(width * 31 + height))
            try expectBothDecode((0..<(width * height)).map { _ in UInt16(truncatingIfNeeded: random.next()) }, width: width, height: height)
        }
        try expectBothDecode([UInt16](repeating: 0, count: 1000 * 700), width: 1000, height: 700)
        try expectBothDecode([UInt16](repeating: 65535, count: 640 * 480), width: 640, height: 480)
        try expectBothDecode((0..<(640 * 480)).map { UInt16($0 % 2 == 0 ? 0 : 65535) }, width: 640, height: 480)
    }

    @Test func png16LargerThanOneDeflateBlockDecodesExactly() throws {
        // 1920x1080 samples: 4 MB of filtered rows, many blocks with their own codes.
        let values = try upsampledDepthSamples(width: 1920, height: 1080, seed: 3)
        try expectBothDecode(values, width: 1920, height: 1080)
    }

    @Test func png16HeaderAndTextChunksAreTheReferencesChunks() throws {
        let values = try upsampledDepthSamples(width: 64, height: 48)
        let text: [(key: String, value: String)] = [("depth-unit", "mm"), ("model", "caf\u{E9} model"), ("Software", "depthd")]
        let fast = EncoderTests.chunks(try ImageEncoder.png16(values, width: 64, height: 48, text: text))
        let reference = EncoderTests.chunks(try ImageEncoder.png16Reference(values, width: 64, height: 48, text: text))
        #expect(fast.map(\.0) == ["IHDR", "tEXt", "tEXt", "tEXt", "IDAT", "IEND"])
        #expect(fast.map(\.0) == reference.map(\.0))
        #expect(fast[0].1 == reference[0].1)  // IHDR
        #expect(fast.filter { $0.0 == "tEXt" }.map(\.1) == reference.filter { $0.0 == "tEXt" }.map(\.1))
        try expectBothDecode(values, width: 64, height: 48, text: text)
    }

    @Test func rgbPNGDecodesToTheSamePixelsAsLibpngs() throws {
        var random = SplitMix64(state: 11)
        let noise = try RGBImage(width: 97, height: 33, pixels: (0..<(97 * 33 * 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        let depth = try FloatGrid(width: 640, height: 480, values: try upsampledDepthSamples(width: 640, height: 480).map { Float($0) })
        for image in [syntheticPhoto(width: 640, height: 480), noise, RGBImage(width: 1, height: 1, filledWith: (1, 2, 3)),
                      ColorMap.inferno.reversed.colorize(depth)] {
            for filter in [ImageEncoder.RowFilter.none, .sub, .up] {
                #expect(try ImageDecoder.decode(ImageEncoder.png(image, filter: filter)) == image, "\(image.size) \(filter)")
            }
            #expect(try ImageDecoder.decode(ImageEncoder.pngReference(image)) == image)
        }
    }

    /// Unfiltered RGB rows reach the deflate as they are: byte patterns that exercise every path
    /// of it (literals, short and window-long matches, stored fallback, block boundaries at
    /// 64 and 128 KiB) each round-trip through libpng's inflate, which checks the Adler-32.
    @Test func deflateRoundTripsEveryKindOfByteStream() throws {
        var random = SplitMix64(state: 23)
        // Widths x heights whose rows (1 + 3w bytes) put the stream just around block boundaries.
        let shapes = [(1, 1), (2, 1), (5, 7), (7281, 3), (7282, 3), (21845, 1), (21845, 2), (21846, 2), (300, 200), (1000, 150)]
        for (shape, kind) in zip(shapes + shapes, 0...) {
            let (width, height) = shape
            let count = width * height * 3
            var bytes = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                switch kind % 5 {
                case 0: bytes[i] = UInt8(truncatingIfNeeded: random.next())                              // incompressible
                case 1: bytes[i] = UInt8(truncatingIfNeeded: random.next() % 3)                          // few symbols
                case 2: bytes[i] = i >= 32768 && random.next() % 8 != 0 ? bytes[i - 32768] : UInt8(truncatingIfNeeded: random.next())  // window-long matches
                case 3: bytes[i] = i >= 300 && random.next() % 16 != 0 ? bytes[i - 1 - Int(random.next() % 300)] : UInt8(truncatingIfNeeded: random.next())
                default: bytes[i] = UInt8(truncatingIfNeeded: i / 1000)                                 // long runs
                }
            }
            let image = try RGBImage(width: width, height: height, pixels: bytes)
            #expect(try ImageDecoder.decode(ImageEncoder.png(image, filter: .none)) == image, "\(width)x\(height) kind \(kind % 5)")
        }
    }

    @Test func badArgumentsAreRefusedByBothEncoders() {
        #expect(throws: ImageError.self) { try ImageEncoder.png16([1, 2], width: 1, height: 1) }
        #expect(throws: ImageError.self) { try ImageEncoder.png16Reference([1, 2], width: 1, height: 1) }
        #expect(throws: ImageError.self) { try ImageEncoder.png16([1], width: 1, height: 1, text: [("", "x")]) }
    }
}

@Suite struct Sample16Tests {
    @Test func quantizeEqualsTheScalarRuleForEdgeAndRandomValues() {
        var values: [Float] = [.nan, -.nan, .infinity, -.infinity, 0, -0.0, -1, -1e-30, .leastNonzeroMagnitude, 1e-9,
                               0.0005, 0.0014999, 0.0015, 0.0025, 0.5, 1, 65.534, 65.5345, 65.535, 65.5355, 66, 1e30,
                               .greatestFiniteMagnitude, Float(bitPattern: 0x7FC0_0001)]
        var random = SplitMix64(state: 5)
        for _ in 0..<100_000 { values.append(random.unit() * 70) }
        // Values exactly at half a millimetre, where rounding decides.
        for k in 0..<20_000 { values.append((Float(k) + 0.5) / 1000) }
        let fast = Sample16.quantize(values, scale: 1000)
        let reference = values.map { Sample16.sample($0, scale: 1000) }
        #expect(fast == reference)
        #expect(Array(fast.prefix(10)) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
        #expect(Sample16.sample(0.0015, scale: 1000) == 2 && Sample16.sample(66, scale: 1000) == 65535)
    }

    @Test func quantizeOfNothingIsEmpty() {
        #expect(Sample16.quantize([], scale: 1000).isEmpty)
    }
}

@Suite struct FastResamplingTests {
    static func sameBits(_ a: FloatGrid, _ b: FloatGrid) -> Bool {
        a.width == b.width && a.height == b.height
            && zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test func bilinearEqualsThePixelByPixelReferenceBitForBit() throws {
        var random = SplitMix64(state: 9)
        let grid = try FloatGrid(width: 74, height: 55, values: (0..<(74 * 55)).map { _ in random.unit() * 10 })
        let paper = FrameLayout(photo: PixelSize(width: 320, height: 240), frame: PixelSize(width: 320, height: 240), crop: PixelSize(width: 304, height: 228))
        let region = paper.frameRegion(gridSize: PixelSize(width: 74, height: 55))
        for (w, h, r) in [(640, 480, region), (1920, 1080, region), (37, 20, region), (1, 1, region),
                          (74, 55, FloatGrid.Region?.none), (300, 7, .init(x0: -5, y0: 2, x1: 80, y1: 3))] {
            #expect(Self.sameBits(grid.resampledBilinear(width: w, height: h, region: r),
                                  grid.resampledBilinearReference(width: w, height: h, region: r)), "\(w)x\(h)")
        }
        let single = try FloatGrid(width: 1, height: 1, values: [2.5])
        #expect(Self.sameBits(single.resampledBilinear(width: 5, height: 3), single.resampledBilinearReference(width: 5, height: 3)))
        var holes = grid
        holes.values[100] = .nan
        holes.values[2000] = .infinity
        #expect(Self.sameBits(holes.resampledBilinear(width: 640, height: 480, region: region),
                              holes.resampledBilinearReference(width: 640, height: 480, region: region)))
    }
}

@Suite struct FastColorMapTests {
    @Test func colorizeEqualsTheValueByValueReference() throws {
        var random = SplitMix64(state: 13)
        var values = (0..<(320 * 240)).map { _ in 0.5 + random.unit() * 9 }
        values[5] = .nan
        values[6] = .infinity
        values[7] = -.infinity
        let grid = try FloatGrid(width: 320, height: 240, values: values)
        for map in [ColorMap.inferno, ColorMap.inferno.reversed] {
            #expect(map.colorize(grid) == map.colorizeReference(grid))
            #expect(map.colorize(grid, low: 2, high: 5) == map.colorizeReference(grid, low: 2, high: 5))
            #expect(map.colorize(grid, low: 5, high: 2) == map.colorizeReference(grid, low: 5, high: 2))
            #expect(map.colorize(grid, low: 1) == map.colorizeReference(grid, low: 1))
            #expect(map.colorize(grid, high: 4) == map.colorizeReference(grid, high: 4))
            let constant = try FloatGrid(width: 4, height: 3, values: [Float](repeating: 3, count: 12))
            #expect(map.colorize(constant) == map.colorizeReference(constant))
            let empty = try FloatGrid(width: 2, height: 1, values: [.nan, .nan])
            #expect(map.colorize(empty) == map.colorizeReference(empty))
            // Every table entry is reachable and lands where the reference puts it.
            let ramp = try FloatGrid(width: 1021, height: 1, values: (0..<1021).map { Float($0) / 1020 })
            #expect(map.colorize(ramp) == map.colorizeReference(ramp))
        }
    }
}

@Suite struct FastResizeRoundingTests {
    /// Every float from -2 to 258 in steps of 1/1024 (all the halves among them), the extremes and
    /// neighbours of the halves: the libm-free byte rounding equals the plain rule.
    @Test func byteRoundingEqualsTheReferenceRule() {
        var values: [Float] = [-.infinity, -1e30, -0.0, 0, .leastNonzeroMagnitude, 1e30, .infinity]
        for k in -2048...(258 * 1024) { values.append(Float(k) / 1024) }
        for k in 0...256 {
            let half = Float(k) + 0.5
            values += [half, half.nextUp, half.nextDown]
        }
        let mismatches = values.filter { ImageResizer.toByte($0) != ImageResizer.toByteReference($0) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
