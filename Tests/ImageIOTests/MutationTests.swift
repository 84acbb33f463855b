import Foundation
import Testing
@testable import ImageIO
import TestSupport

/// Seeded byte mutations of valid files: every result is either a whole image of the declared
/// size or an `ImageError`; nothing crashes, nothing prints. (A small, deterministic cousin of
/// the libFuzzer target that issue 6 asks for.) IMAGEIO_MUTATIONS=N runs N per file instead of 300.
@Suite struct MutationTests {
    static let rounds = ProcessInfo.processInfo.environment["IMAGEIO_MUTATIONS"].flatMap { Int($0) } ?? 300

    @Test(arguments: ["baseline.jpg", "progressive.jpg", "cmyk.jpg", "orientation6.jpg",
                      "png_rgb16_interlaced.png", "png_palette4_trns.png", "png_gray2.png"])
    func mutatedFilesDecodeWholeOrFailCleanly(name: String) throws {
        let original = try Fixtures.bytes(name)
        var random = SplitMix64(state: UInt64(name.utf8.count) &* 7919)
        var decoded = 0, refused = 0
        for _ in 0..<Self.rounds {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let at = Int(random.next() % UInt64(bytes.count))
                bytes[at] = UInt8(truncatingIfNeeded: random.next())
            }
            do {
                let header = try ImageDecoder.probe(bytes)
                let image = try ImageDecoder.decode(bytes)
                #expect(image.size == header.size)
                #expect(image.pixels.count == image.width * image.height * 3)
                decoded += 1
            } catch is ImageError {
                refused += 1
            }
        }
        #expect(decoded + refused == Self.rounds)
        #expect(refused > 0, "\(name): no mutation was refused")
    }
}
