import Testing
@testable import ImageIO
import TestSupport

@Suite("The range of a depth map's estimates")
struct EstimateRangeTests {
    @Test func vectorisedRangeEqualsThePlainLoopOnMapsWithHolesAndNonEstimates() throws {
        var random = SplitMix64(state: 42)
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, -1.5, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for size in [1, 7, 16, 17, 640 * 480] {
            let values = (0..<size).map { _ -> Float in
                random.next() % 5 == 0 ? specials[Int(random.next() % UInt64(specials.count))] : 0.2 + 9 * random.unit()
            }
            let grid = try FloatGrid(width: size, height: 1, values: values)
            let fast = grid.estimateRange, reference = grid.estimateRangeReference
            #expect(fast?.min == reference?.min && fast?.max == reference?.max, "size \(size)")
        }
    }

    @Test func aMapWithoutEstimatesHasNoRange() throws {
        let grid = try FloatGrid(width: 5, height: 1, values: [.nan, 0, -2, .infinity, -.infinity])
        #expect(grid.estimateRange == nil)
        #expect(grid.estimateRangeReference == nil)
    }

    @Test func rangeIsTheSmallestAndLargestPositiveFiniteValue() throws {
        let grid = try FloatGrid(width: 6, height: 1, values: [3, .nan, 0.25, 0, 7.5, .infinity])
        let range = try #require(grid.estimateRange)
        #expect(range.min == 0.25 && range.max == 7.5)
    }
}
