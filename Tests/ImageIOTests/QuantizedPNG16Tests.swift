import Testing
@testable import ImageIO
import TestSupport

/// `ImageEncoder.png16(quantizing:scale:)` quantises a float map row by row inside the PNG writer;
/// its file must be the very bytes of `png16` on `Sample16.quantize` of the whole map.
@Suite struct QuantizedPNG16Tests {
    static let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, -2.5, .leastNonzeroMagnitude, 1e-4, 0.0005,
                                    0.0015, 65.5345, 65.5355, 70, .greatestFiniteMagnitude]

    static func depthMap(width: Int, height: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(state: seed)
        return (0..<(width * height)).map { i -> Float in
            random.next() % 9 == 0 ? specials[Int(random.next() % UInt64(specials.count))]
                : 0.3 + Float(i % width) / Float(width) * 8 + random.unit() * 0.01
        }
    }

    @Test func quantizingInTheWriterGivesTheBytesOfQuantizingFirst() throws {
        let text = [(key: "depth-unit", value: "mm"), (key: "model", value: "test")]
        for (width, height) in [(1, 1), (7, 3), (8, 2), (17, 5), (640, 480), (1000, 3), (3, 1000)] {
            for scale: Float in [1000, 1, 0.37] {
                let values = Self.depthMap(width: width, height: height, seed: UInt64(width * 31 + height))
                let fused = try ImageEncoder.png16(quantizing: values, scale: scale, width: width, height: height, text: text)
                let samples = Sample16.quantize(values, scale: scale)
                let separate = try ImageEncoder.png16(samples, width: width, height: height, text: text)
                #expect(fused == separate, "\(width)x\(height) scale \(scale)")
                #expect(try Gray16Image.decodePNG(fused).values == samples, "\(width)x\(height) scale \(scale)")
            }
        }
    }

    @Test func aScaleThatIsNotFiniteAndPositiveIsRefused() {
        for scale: Float in [0, -1, .nan, .infinity] {
            #expect(throws: ImageError.self) { try ImageEncoder.png16(quantizing: [1, 2], scale: scale, width: 2, height: 1) }
        }
        #expect(throws: ImageError.self) { try ImageEncoder.png16(quantizing: [1, 2, 3], scale: 1000, width: 2, height: 1) }
    }
}
