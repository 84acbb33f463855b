import Testing
@testable import ImageIO
import TestSupport

/// The C layer's deflate cuts its input into equal blocks of at most 128 KiB, and ends a block
/// early where its 32 Ki tokens would not fit (incompressible rows); a block's last 258 bytes take
/// the bounds-checked path (its last 7, where the 8-byte hash read would pass the block's end,
/// are literals); the gray16 Up filter runs eight samples at a time with a scalar tail. These tests aim at those edges: block sizes that do not divide evenly,
/// one-pixel-wide and very wide images, every vector-tail width, content of every kind (noise,
/// constant, period-2, depth-like). Every file decodes through libpng, which checks the CRCs and
/// the Adler-32, and must give back exactly the samples.
@Suite struct DeflateEdgeTests {
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
        // 3 filtered bytes per row: 70,000 rows are 210,000 bytes, two blocks of rows of one sample.
        for content in Content.allCases {
            try expectDecodes(Self.samples(content, count: 70_000, seed: 3), width: 1, height: 70_000, "1x70000 \(content)")
        }
    }

    /// Single rows of 2w + 1 filtered bytes around one, two and four 128 KiB blocks (and 32 Ki
    /// tokens: the noise rows' blocks end by tokens).
    @Test func png16OfVeryWideRowsAroundBlockSizesDecodesExactly() throws {
        for width in [16_383, 16_384, 65_535, 65_536, 65_537, 262_143, 262_144, 262_145] {
            for content in Content.allCases {
                try expectDecodes(Self.samples(content, count: width, seed: UInt64(width)), width: width, height: 1,
                                  "\(width)x1 \(content)")
            }
        }
    }

    @Test func png16OfTheSameSamplesIsTheSameBytesEveryTime() throws {
        let values = try upsampledDepthSamples(width: 640, height: 480, seed: 5)
        let first = try ImageEncoder.png16(values, width: 640, height: 480)
        for _ in 0..<3 { #expect(try ImageEncoder.png16(values, width: 640, height: 480) == first) }
    }
}
