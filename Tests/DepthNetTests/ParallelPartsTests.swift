import Synchronization
import Testing
@testable import DepthNet

/// `ParallelParts`: whatever the thread and piece counts, the ranges cover 0..<count exactly once.
@Suite struct ParallelPartsTests {
    /// Every (first, end) range `ParallelParts.run` hands out, in the order they finished.
    func ranges(_ count: Int, parts: Int, pieces: Int) -> [Range<Int>] {
        let seen = Mutex<[Range<Int>]>([])
        ParallelParts.run(count, parts: parts, pieces: pieces) { first, end in
            seen.withLock { $0.append(first..<end) }
        }
        return seen.withLock { $0 }
    }

    @Test(arguments: [(0, 2, 8), (1, 2, 8), (7, 2, 8), (39, 2, 8), (100, 3, 12), (100, 1, 8), (5, 4, 2), (1000, 2, 2)])
    func piecesCoverEveryIndexOnce(count: Int, parts: Int, pieces: Int) {
        let found = ranges(count, parts: parts, pieces: pieces).filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        var next = 0
        for range in found {
            #expect(range.lowerBound == next, "gap or overlap at \(next): \(found)")
            next = range.upperBound
        }
        #expect(next == count, "covered 0..<\(next) of 0..<\(count)")
        // One thread runs the whole range at once; several take at most `pieces` pieces.
        if parts == 1, count > 0 { #expect(found == [0..<count]) }
        #expect(found.count <= max(1, max(parts, min(pieces, count))))
    }
}
