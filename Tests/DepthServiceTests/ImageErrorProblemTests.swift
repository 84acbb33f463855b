import Testing
import ImageIO
@testable import DepthService

/// How decoder errors become HTTP problems. Found by the live hostile-file test (issue 6 item 4):
/// a PNG declaring 100000x100000 was answered 400 "could not be decoded" while a JPEG of
/// 60000x60000 was 413; both are images too large, so both are 413 image-too-large.
@Suite struct ImageErrorProblemTests {
    @Test func sideOverTheDecoderMaximumIs413ImageTooLarge() {
        let problem = ProblemDetails.forImageError(.invalidDimensions(width: 100_000, height: 100_000, maxDimension: 65_500))
        #expect(problem.status == 413)
        #expect(problem.type.hasSuffix("/image-too-large"))
        #expect(problem.detail == "Image declares 100000x100000 pixels; each side must be 1 to 65500.")
    }

    @Test func zeroSideStaysAnUndecodable400() {
        let problem = ProblemDetails.forImageError(.invalidDimensions(width: 0, height: 48, maxDimension: 65_500))
        #expect(problem.status == 400)
        #expect(problem.type.hasSuffix("/undecodable-image"))
    }
}
