import Foundation
import Testing
@testable import ImageIO
import TestSupport

/// The PNG writer and deflate keep their large buffers per thread between calls (scratch.c), up
/// to 4 MiB each; larger requests get buffers of their own. Nothing may leak from one call into
/// the next: an encoding is the same whatever the thread encoded before, on fresh threads or many
/// at once.
@Suite struct EncoderScratchTests {
    static let wide = DecodeLimits(maxPixels: 40_000_000, maxDimension: 1 << 24)

    /// A depth-like map: a ramp with rounding noise.
    static func depthLike(width: Int, height: Int, seed: UInt64) -> [UInt16] {
        var random = SplitMix64(state: seed)
        return (0..<(width * height)).map { UInt16(1500 + ($0 % width) / 5 + ($0 / width) / 3 + Int(random.next() % 3)) }
    }

    @Test func encodingsAreTheSameAfterSmallerLargerAndOversizedOnesOnTheSameThread() throws {
        let small = Self.depthLike(width: 64, height: 48, seed: 1)
        let medium = Self.depthLike(width: 640, height: 480, seed: 2)
        // 1500x1500 gray16: 4.5 MB of filtered rows, past what a thread keeps.
        let oversized = Self.depthLike(width: 1500, height: 1500, seed: 3)
        let firstSmall = try ImageEncoder.png16(small, width: 64, height: 48)
        let firstMedium = try ImageEncoder.png16(medium, width: 640, height: 480)
        let firstOversized = try ImageEncoder.png16(oversized, width: 1500, height: 1500)
        for _ in 0..<2 {
            #expect(try ImageEncoder.png16(medium, width: 640, height: 480) == firstMedium)
            #expect(try ImageEncoder.png16(small, width: 64, height: 48) == firstSmall)
            #expect(try ImageEncoder.png16(oversized, width: 1500, height: 1500) == firstOversized)
        }
        #expect(try Gray16Image.decodePNG(firstOversized, limits: Self.wide).values == oversized)
        #expect(try Gray16Image.decodePNG(firstSmall).values == small)
    }

    @Test func threadsEncodingAtOnceEachGetTheirOwnCorrectBytes() throws {
        let sizes = [(640, 480), (320, 240), (1000, 700), (17, 3)]
        let maps = sizes.enumerated().map { Self.depthLike(width: $1.0, height: $1.1, seed: UInt64($0 + 10)) }
        let expected = try zip(maps, sizes).map { try ImageEncoder.png16($0, width: $1.0, height: $1.1) }
        let results = Results(count: 8 * sizes.count)
        // Fresh threads (each its first encode, then its scratch freed at exit), eight at once.
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in sizes.indices {
                let k = (index + worker) % sizes.count
                let bytes = try? ImageEncoder.png16(maps[k], width: sizes[k].0, height: sizes[k].1)
                results.set(worker * sizes.count + index, bytes == expected[k])
            }
        }
        #expect(results.all)
    }

    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Bool]
        init(count: Int) { values = [Bool](repeating: false, count: count) }
        func set(_ index: Int, _ value: Bool) { lock.withLock { values[index] = value } }
        var all: Bool { lock.withLock { values.allSatisfy { $0 } } }
    }
}
