@testable import DepthService
import ImageIO
import Testing

/// The pipeline states facts by name; the HTTP side alone turns them into `X-Depth-*` headers and
/// media types (HTTP/DepthAnswerHeaders.swift), and `depthd predict` reads the same facts.
@Suite struct DepthAnswerHeadersTests {
    @Test func everyFactHasItsOwnXDepthHeader() {
        let names = DepthFact.allCases.map(\.headerName)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("X-Depth-") })
    }

    @Test func headersFollowTheFactsInOrderAndTheFormatGivesTheMediaType() throws {
        let grid = try FloatGrid(width: 2, height: 1, values: [1.5, 3])
        let encoded = try DepthEncoder.encode(grid, format: .color, context: DepthContext(modelName: "m", colorRange: 1...4))
        #expect(encoded.format == .color && encoded.contentType == "image/png")
        #expect(encoded.headers.map(\.name) == ["X-Depth-Width", "X-Depth-Height", "X-Depth-Min", "X-Depth-Max",
                                                "X-Depth-Color-Min", "X-Depth-Color-Max"])
        #expect(encoded.headers.map(\.value) == encoded.facts.map(\.value))
        #expect(encoded[.colorMax] == "4.00" && encoded[.min] == "1.500" && encoded[.focalPx] == nil)
        let media = DepthRequestOptions.Format.allCases.map { ($0, $0.mediaType) }
        #expect(media.map(\.1) == ["image/png", "application/json", "image/png", "application/x-npy", "application/x-ply"])
    }
}
