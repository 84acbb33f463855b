import Testing
@testable import ImageIO

@Suite struct NetworkInputTests {
    /// `prepare` (the paper's preparation, `fit=squash`): a wide 16:9 photo is squashed, not
    /// cropped: its left and right edge colours survive to the network input's edges.
    @Test func squashPreparationSeesTheWholePhotoAt304x228() throws {
        var pixels: [UInt8] = []
        for _ in 0..<360 { for x in 0..<640 { pixels += x < 40 ? [255, 0, 0] : x >= 600 ? [0, 0, 255] : [0, 255, 0] } }
        let photo = try RGBImage(width: 640, height: 360, pixels: pixels)
        let input = NetworkInput.prepare(photo)
        #expect(input.size == PixelSize(width: 304, height: 228))
        #expect(input.pixel(x: 1, y: 100).r > 200)   // red band (20 px wide at 320) still there
        #expect(input.pixel(x: 302, y: 100).b > 200)
    }

    @Test func decodeReturnsInputAndOriginalUprightSize() throws {
        let bytes = try Fixtures.bytes("orientation6.jpg")
        let prepared = try NetworkInput.decode(bytes)
        #expect(prepared.originalSize == PixelSize(width: 48, height: 32))
        #expect(prepared.layout.windows.count == 2, "48x32 is 3:2, wider than 4:3: two windows")
        #expect(prepared.windows.allSatisfy { $0.size == NetworkInput.cropSize })
        #expect(prepared.photo == nil)
        #expect(try NetworkInput.decode(bytes, keepPhoto: true).photo?.size == PixelSize(width: 48, height: 32))
    }

    @Test func normalisedPlanesFollowTheFormulaAndLayout() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 51, 255, 255, 102, 0])
        let mean: [Float] = [0.5, 0.4, 0.3], std: [Float] = [0.25, 0.5, 2]
        var buffer = [Float](repeating: .nan, count: 2 * 3 * 2)  // (N=2, 3, 1, 2)
        try buffer.withUnsafeMutableBufferPointer {
            try NetworkInput.writeNormalizedPlanes(image, mean: mean, std: std, into: $0, index: 1)
        }
        let untouched = buffer[0..<6].allSatisfy { $0.isNaN }
        #expect(untouched)  // image 0 untouched
        let expected: [Float] = [(0 - 0.5) / 0.25, (1 - 0.5) / 0.25,   // R plane
                                 (0.2 - 0.4) / 0.5, (0.4 - 0.4) / 0.5, // G plane
                                 (1 - 0.3) / 2, (0 - 0.3) / 2]         // B plane
        for i in 0..<6 { #expect(abs(buffer[6 + i] - expected[i]) < 1e-5, "\(i): \(buffer[6 + i])") }
    }

    @Test func normalisationRefusesABufferWithoutRoom() throws {
        let image = RGBImage(width: 2, height: 2, filledWith: (1, 2, 3))
        var buffer = [Float](repeating: 0, count: 12)
        buffer.withUnsafeMutableBufferPointer { pointer in
            #expect(throws: ImageError.self) {
                try NetworkInput.writeNormalizedPlanes(image, mean: [0, 0, 0], std: [1, 1, 1], into: pointer, index: 1)
            }
            #expect(throws: ImageError.self) {
                try NetworkInput.writeNormalizedPlanes(image, mean: [0, 0, 0], std: [1, 0, 1], into: pointer, index: 0)
            }
        }
    }

    /// The depth region extends the grid over the 8- and 6-pixel crop border of 320x240.
    @Test func depthRegionCoversTheWholeResizedFrame() {
        let region = NetworkInput.depthRegion(gridSize: PixelSize(width: 74, height: 55))
        #expect(abs(region.x0 - -8 * 74.0 / 304) < 1e-9 && abs(region.x1 - 312 * 74.0 / 304) < 1e-9)
        #expect(abs(region.y0 - -6 * 55.0 / 228) < 1e-9 && abs(region.y1 - 234 * 55.0 / 228) < 1e-9)
    }
}
