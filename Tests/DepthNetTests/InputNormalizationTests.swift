import Testing
@testable import DepthNet

@Suite struct InputNormalizationTests {
    @Test func normalisedPlanesFollowTheFormulaAndLayout() throws {
        let pixels: [UInt8] = [0, 51, 255, 255, 102, 0]  // 2x1 RGB
        let normalization = try InputNormalization(mean: [0.5, 0.4, 0.3], std: [0.25, 0.5, 2])
        var buffer = [Float](repeating: .nan, count: 2 * 3 * 2)  // (N=2, 3, 1, 2)
        try buffer.withUnsafeMutableBufferPointer { try normalization.writePlanes(rgb: pixels, into: $0, index: 1) }
        let untouched = buffer[0..<6].allSatisfy { $0.isNaN }
        #expect(untouched)  // image 0 untouched
        let expected: [Float] = [(0 - 0.5) / 0.25, (1 - 0.5) / 0.25,   // R plane
                                 (0.2 - 0.4) / 0.5, (0.4 - 0.4) / 0.5, // G plane
                                 (1 - 0.3) / 2, (0 - 0.3) / 2]         // B plane
        for i in 0..<6 { #expect(abs(buffer[6 + i] - expected[i]) < 1e-5, "\(i): \(buffer[6 + i])") }
    }

    @Test func normalisationRefusesABufferWithoutRoom() throws {
        let pixels = [UInt8](repeating: 1, count: 2 * 2 * 3)  // 2x2 RGB
        let normalization = try InputNormalization(mean: [0, 0, 0], std: [1, 1, 1])
        var buffer = [Float](repeating: 0, count: 12)
        buffer.withUnsafeMutableBufferPointer { pointer in
            #expect(throws: PredictorError.bufferSize(name: "input", actual: 12, expected: 24)) {
                try normalization.writePlanes(rgb: pixels, into: pointer, index: 1)
            }
            #expect(throws: PredictorError.self) { try normalization.writePlanes(rgb: pixels, into: pointer, index: -1) }
        }
        let untouched = buffer.allSatisfy { $0 == 0 }
        #expect(untouched, "nothing written")
    }

    @Test func normalisationRefusesStatisticsItCannotApply() {
        for (mean, std): ([Float], [Float]) in [([0, 0, 0], [1, 0, 1]), ([0, 0, 0], [1, -1, 1]), ([0, .nan, 0], [1, 1, 1]),
                                                ([0, 0], [1, 1, 1]), ([0, 0, 0], [1, .infinity, 1])] {
            #expect(throws: ModelError.self, "mean \(mean) std \(std)") { try InputNormalization(mean: mean, std: std) }
        }
    }
}
