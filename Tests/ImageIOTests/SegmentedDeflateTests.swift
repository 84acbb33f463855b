import Testing
@testable import ImageIO
import TestSupport

/// The C layer's deflate parses a 16-bit depth map's filtered rows of 64 KiB and more as four
/// interleaved segments, each with its own blocks, joined by empty stored blocks; the gray16 Up
/// filter runs eight samples at a time with a scalar tail. These tests aim at the edges of both: segment and block sizes that do
/// not divide evenly, one-pixel-wide and very wide images, every vector-tail width, and content
/// of every kind (noise, constant, period-2, depth-like). Every file decodes through libpng, which
/// checks the CRCs and the Adler-32, and must give back exactly the samples.
@Suite struct SegmentedDeflateTests {
    /// Wide enough for any single-row image below.
    static let wide = DecodeLimits(maxPixels: 40_000_000, maxDimension: 1 << 24)

    enum Content: CaseIterable { case noise, constant, alternating, depthLike }

    static func samples(_ content: Content, count: Int, seed: UInt64) -> [UInt16] {
        var random = SplitMix64(state: seed)
        switch content {
        case .noise: return (0..<count).map { _ in UInt16(truncatingIfNeeded: random.next()) }
        case .constant: return [UInt16](repeating: 4321, count: count)
        case .alternating: return (0..<count).map { $0 % 2 == 0 ? 1000 : 60000 }
        // A slow ramp with rounding noise, as an upsampled depth map's rows are.
        case .depthLike: return (0..<count).map { UInt16(2000 + $0 / 7 + Int(random.next() % 3)) }
        }
    }

    func expectDecodes(_ values: [UInt16], width: Int, height: Int, _ note: String) throws {
        let png = try ImageEncoder.png16(values, width: width, height: height)
        let decoded = try Gray16Image.decodePNG(png, limits: Self.wide)
        #expect(decoded.width == width && decoded.height == height, "\(note)")
        #expect(decoded.values == values, "\(note)")
    }

    @Test func png16OfEveryWidthFromOneToSeventeenAndOnePixelColumnsDecodesExactly() throws {
        for width in 1...17 {
            for height in [1, 2, 5] {
                let values = Self.samples(.noise, count: width * height, seed: UInt64(width * 100 + height))
                try expectDecodes(values, width: width, height: height, "\(width)x\(height)")
            }
        }
        // 3 filtered bytes per row: 70,000 rows are 210,000 bytes, four segments of rows of one sample.
        for content in Content.allCases {
            try expectDecodes(Self.samples(content, count: 70_000, seed: 3), width: 1, height: 70_000, "1x70000 \(content)")
        }
    }

    /// Single rows of 2w + 1 filtered bytes: just below, at and above the 64 KiB where the
    /// segments start, and around four 128 KiB blocks, where the last segment (a few bytes longer
    /// than the others) is cut into more, smaller blocks than the rest.
    @Test func png16OfVeryWideRowsAroundSegmentAndBlockSizesDecodesExactly() throws {
        for width in [32_767, 32_768, 32_769, 262_143, 262_144, 262_145, 262_147] {
            for content in Content.allCases {
                try expectDecodes(Self.samples(content, count: width, seed: UInt64(width)), width: width, height: 1,
                                  "\(width)x1 \(content)")
            }
        }
    }

    /// Samples whose Up-filtered rows are all the same 2,000 noise bytes (row y's bytes are y
    /// times a fixed noise byte, so each differs from the one above by that byte): once the first
    /// row is written, every later byte is a match 2,001 bytes back, also at the start of each of
    /// the four segments, which find the rows before them. 5,519 bytes when measured; with
    /// segments blind to the bytes before them, 11,939 (each spends a row of literals).
    @Test func segmentsAfterTheFirstFindMatchesInTheBytesBeforeThem() throws {
        var random = SplitMix64(state: 41)
        let width = 1000, height = 200
        let noise = (0..<width).map { _ in (high: UInt8(truncatingIfNeeded: random.next()), low: UInt8(truncatingIfNeeded: random.next())) }
        var values = [UInt16](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let high = UInt8(truncatingIfNeeded: y &* Int(noise[x].high)), low = UInt8(truncatingIfNeeded: y &* Int(noise[x].low))
                values[y * width + x] = UInt16(high) << 8 | UInt16(low)
            }
        }
        try expectDecodes(values, width: width, height: height, "repeated rows")
        let png = try ImageEncoder.png16(values, width: width, height: height)
        #expect(png.count < 8000, "\(png.count) bytes")
    }

    @Test func png16OfTheSameSamplesIsTheSameBytesEveryTime() throws {
        let values = try upsampledDepthSamples(width: 640, height: 480, seed: 5)
        let first = try ImageEncoder.png16(values, width: 640, height: 480)
        for _ in 0..<3 { #expect(try ImageEncoder.png16(values, width: 640, height: 480) == first) }
    }
}
