import CDirectConvolution
import Testing
@testable import DepthNet
import TestSupport

/// `dc_store_sums` (a chunk's pixel-major sums to channel-major planes, through register transposes)
/// writes exactly what its plain loop writes, bit for bit, specials included, and nothing else.
@Suite struct SumStoreTests {
    /// Instruction sets to try: the plain loop (0) and every vector set the CPU runs.
    var instructionSets: [Int32] { [0] + (DirectConvolution.instructionSet > 0 ? Array(1...Int32(DirectConvolution.instructionSet)) : []) }

    /// Sums with the values ReLU and addition treat specially mixed in: NaN, infinities, +0 and -0.
    static func sums(_ count: Int, using rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in
            switch rng.next() % 16 {
            case 0: .nan
            case 1: .infinity
            case 2: -.infinity
            case 3: 0
            case 4: -0.0
            default: Float(Int64(rng.next() % 2001) - 1000) / 97
            }
        }
    }

    @Test(arguments: [1, 5, 6, 15, 16, 17, 31, 100, 384])
    func storedPlanesEqualThePlainLoopBitForBit(count: Int) {
        var rng = SplitMix64(state: UInt64(9000 + count))
        for isa in instructionSets {
            let width = isa == 2 ? 16 : 8
            for lanes in stride(from: width, through: 64, by: width) {
                for channels in Set([1, lanes / 2 + 1, lanes - 1, lanes].filter { $0 >= 1 && $0 <= lanes }) {
                    let sums = Self.sums(count * lanes, using: &rng)                    // (count, lanes)
                    let bias = Self.sums(channels, using: &rng)                         // (channels)
                    let plane = count + 3                                               // a gap after each plane
                    for relu: Int32 in [0, 1] {
                        let sentinel = Float(bitPattern: 0x7FC0_1234)
                        var expected = [Float](repeating: sentinel, count: channels * plane) // (channels, plane)
                        var actual = expected
                        dc_store_sums_reference(sums, Int32(lanes), Int32(channels), Int64(count), bias, relu, &expected, Int64(plane))
                        dc_store_sums(isa, sums, Int32(lanes), Int32(channels), Int64(count), bias, relu, &actual, Int64(plane))
                        #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern),
                                "isa \(isa) lanes \(lanes) channels \(channels) count \(count) relu \(relu)")
                    }
                }
            }
        }
    }

    @Test func reluTurnsNaNAndNegativeZeroIntoPositiveZero() {
        let sums: [Float] = [.nan, -0.0, -1, 2]           // (4 pixels, 1 lane)
        var out = [Float](repeating: 7, count: 4)
        dc_store_sums_reference(sums, 1, 1, 4, [0], 1, &out, 4)
        #expect(out.map(\.bitPattern) == [Float(0), 0, 0, 2].map(\.bitPattern))
    }
}
