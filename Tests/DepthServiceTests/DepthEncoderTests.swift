@testable import DepthService
import Foundation
import ImageIO
import Testing

@Suite struct DepthEncoderTests {
    /// 4x3 metres: a gradient from 0.5 m to 6 m.
    static let gradient = try! FloatGrid(width: 4, height: 3, values: (0..<12).map { 0.5 + Float($0) * 0.5 })

    @Test func png16IsSixteenBitGrayInMillimetresWithUnitText() throws {
        let encoded = try DepthEncoder.encode(Self.gradient, format: .png16, modelName: "tiny-paper-io")
        #expect(encoded.contentType == "image/png")
        let chunks = PipelineFixtures.pngChunks(encoded.bytes)
        let ihdr = try #require(chunks.first { $0.type == "IHDR" }?.data)
        let width: Int = ihdr[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let height: Int = ihdr[4..<8].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 4)
        #expect(height == 3)
        #expect(ihdr[8] == 16, "bit depth")
        #expect(ihdr[9] == 0, "colour type gray")
        let text = PipelineFixtures.pngText(encoded.bytes)
        #expect(text["depth-unit"] == "mm")
        #expect(text["depth-scale"] == "0.001")
        #expect(text["model"] == "tiny-paper-io")
        let decoded = try Gray16Image.decodePNG(encoded.bytes)
        let expected: [UInt16] = (0..<12).map { UInt16(500 + $0 * 500) }
        #expect(decoded.values == expected)
        let headers = Dictionary(uniqueKeysWithValues: encoded.headers.map { ($0.name, $0.value) })
        #expect(headers["X-Depth-Unit"] == "mm")
        #expect(headers["X-Depth-Scale"] == "0.001")
        #expect(headers["X-Depth-Width"] == "4")
        #expect(headers["X-Depth-Height"] == "3")
    }

    @Test func png16ClipsToTheSixteenBitRangeAndZeroMeansNoEstimate() throws {
        let metres: [Float] = [.nan, -1, 0, 0.0004, 0.0006, 1.25, 65.5354, 70, .infinity, 0.0015]
        let grid = try FloatGrid(width: 5, height: 2, values: metres)
        let decoded = try Gray16Image.decodePNG(DepthEncoder.png16(grid, modelName: "m"))
        #expect(decoded.values == [0, 0, 0, 1, 1, 1250, 65535, 65535, 0, 2])
    }

    @Test func millimetresMatchesRoundingThenClipping() {
        // The slow, obvious definition: round half away from zero, then clip to 1...65535.
        func reference(_ metres: Float) -> UInt16 {
            guard metres.isFinite, metres > 0 else { return 0 }
            return UInt16(min(max((metres * DepthEncoder.png16Scale).rounded(), 1), 65535))
        }
        var generator = SystemRandomNumberGenerator()
        var samples: [Float] = [0, -1, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                                0.0004, 0.0005, 0.0015, 0.0025, 1.0005, 2.5, 65.5345, 65.5355, 65.536, 100]
        // Half-millimetre ties across the range, and their neighbours one ulp either side.
        for mm in stride(from: Float(0.5), through: 65535.5, by: 97) {
            let tie = mm / DepthEncoder.png16Scale
            samples += [tie, tie.nextUp, tie.nextDown]
        }
        samples += (0..<20_000).map { _ in Float.random(in: 0...70, using: &generator) }
        for metres in samples {
            #expect(DepthEncoder.millimetres(metres) == reference(metres), "\(metres) m")
        }
    }

    @Test func jsonHasTheDocumentedShapeWithConsistentMinAndMax() throws {
        let grid = try FloatGrid(width: 3, height: 2, values: [1.2344, 2.5, 0.75, 10, 3.14159, 1.0])
        let encoded = try DepthEncoder.encode(grid, format: .json, modelName: "m")
        #expect(encoded.contentType == "application/json")
        let text = String(decoding: encoded.bytes, as: UTF8.self)
        #expect(!text.contains(" ") && !text.contains("\n"), "compact")
        #expect(text.contains("\"depth\":[1.234,2.500,0.750,10.000,3.142,1.000]"), "millimetre precision: \(text)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(encoded.bytes)) as? [String: Any])
        #expect(object["width"] as? Int == 3)
        #expect(object["height"] as? Int == 2)
        #expect(object["unit"] as? String == "m")
        let depth = try #require(object["depth"] as? [Double])
        #expect(depth.count == 6)
        let minimum = object["min"] as? Double, maximum = object["max"] as? Double
        #expect(minimum == depth.min())
        #expect(maximum == depth.max())
        #expect(minimum == 0.75)
        #expect(maximum == 10)
    }

    @Test func jsonWritesNoEstimateAsZeroAndStaysFinite() throws {
        let grid = try FloatGrid(width: 2, height: 2, values: [.nan, 2, .infinity, 4])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(DepthEncoder.json(grid))) as? [String: Any])
        #expect(object["depth"] as? [Double] == [0, 2, 0, 4])
        #expect(object["min"] as? Double == 2)
        #expect(object["max"] as? Double == 4)
    }

    @Test func colorIsAnRGBPreviewWithNearWarmAndFarDark() throws {
        let encoded = try DepthEncoder.encode(Self.gradient, format: .color, modelName: "m")
        #expect(encoded.contentType == "image/png")
        let image = try ImageDecoder.decode(encoded.bytes)
        #expect(image.width == 4 && image.height == 3)
        let near = image.pixel(x: 0, y: 0), far = image.pixel(x: 3, y: 2)
        // Inferno: the nearest value is pale yellow (warm, bright), the farthest black-purple.
        #expect(near.r > 200 && near.r > near.b)
        let nearSum = Int(near.r) + Int(near.g) + Int(near.b)
        let farSum = Int(far.r) + Int(far.g) + Int(far.b)
        #expect(nearSum > farSum + 300)
        let chunks = PipelineFixtures.pngChunks(encoded.bytes)
        let ihdr = try #require(chunks.first { $0.type == "IHDR" }?.data)
        #expect(ihdr[8] == 8, "bit depth")
        #expect(ihdr[9] == 2, "colour type RGB")
    }

    @Test func nonLatin1ModelNamesAreWrittenSafely() throws {
        let bytes = try DepthEncoder.png16(Self.gradient, modelName: "modèle 深度")
        #expect(PipelineFixtures.pngText(bytes)["model"] == "modèle ??")
    }
}
