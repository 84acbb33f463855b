import Foundation
import Testing
@testable import ImageIO

/// The pool keeps a request's large blocks for the next request, within its limit: reused
/// blocks are the same memory, sizes far apart do not share, the limit is never passed, and
/// `PooledFloats` gives its block back with its last reference, from any thread.
@Suite struct BufferPoolTests {
    @Test func aBlockGivenBackServesTheNextRequestThatFits() {
        let pool = BufferPool(limitBytes: 8 << 20)
        let first = pool.take(bytes: 1 << 20)
        pool.giveBack(first)
        let second = pool.take(bytes: 900_000)
        #expect(second.baseAddress == first.baseAddress)
        #expect(second.count == 1 << 20)
        #expect(pool.statistics.reused == 1 && pool.statistics.allocated == 1)
        pool.giveBack(second)
    }

    @Test func aMuchSmallerRequestLeavesALargeBlockForALargeOne() {
        let pool = BufferPool(limitBytes: 32 << 20)
        let large = pool.take(bytes: 8 << 20)
        pool.giveBack(large)
        let small = pool.take(bytes: 6 << 20)     // under 4/5 of the kept block
        #expect(small.baseAddress != large.baseAddress)
        #expect(pool.statistics.keptBlocks == 1)
        let again = pool.take(bytes: 7 << 20)
        #expect(again.baseAddress == large.baseAddress)
        pool.giveBack(small)
        pool.giveBack(again)
    }

    @Test func theSmallestBlockThatFitsIsChosen() {
        let pool = BufferPool(limitBytes: 32 << 20)
        let big = pool.take(bytes: 4 << 20), medium = pool.take(bytes: 2 << 20)
        pool.giveBack(big)
        pool.giveBack(medium)
        let taken = pool.take(bytes: 1_800_000)
        #expect(taken.baseAddress == medium.baseAddress)
        pool.giveBack(taken)
    }

    @Test func blocksUnusedPastTheIdleLimitAreFreed() throws {
        let pool = BufferPool(limitBytes: 8 << 20, idleLimit: .milliseconds(30))
        let first = pool.take(bytes: 1 << 20)
        pool.giveBack(first)
        Thread.sleep(forTimeInterval: 0.1)
        let second = pool.take(bytes: 1 << 20)
        #expect(pool.statistics.reused == 0 && pool.statistics.allocated == 2)
        #expect(pool.statistics.keptBlocks == 0)
        pool.giveBack(second)
        #expect(pool.statistics.keptBlocks == 1)
    }

    @Test func keptBytesNeverPassTheLimitAndTheOldestGoFirst() {
        let pool = BufferPool(limitBytes: 3 << 20)
        let blocks = (0..<4).map { _ in pool.take(bytes: 1 << 20) }
        for block in blocks {
            pool.giveBack(block)
            #expect(pool.statistics.keptBytes <= 3 << 20)
        }
        #expect(pool.statistics.keptBlocks == 3)
        // The first block given back was freed; the three later ones are served, newest unaffected.
        let served = (0..<3).map { _ in pool.take(bytes: 1 << 20) }
        #expect(Set(served.map(\.baseAddress)) == Set(blocks[1...].map(\.baseAddress)))
        served.forEach(pool.giveBack)
    }

    @Test func aBlockLargerThanTheLimitOrTheLargestKeptIsFreed() {
        let pool = BufferPool(limitBytes: 1 << 20)
        pool.giveBack(pool.take(bytes: 2 << 20))
        #expect(pool.statistics.keptBlocks == 0 && pool.statistics.keptBytes == 0)
        let capped = BufferPool(limitBytes: 32 << 20, largestBlockBytes: 4 << 20)
        capped.giveBack(capped.take(bytes: 5 << 20))
        #expect(capped.statistics.keptBlocks == 0)
        capped.giveBack(capped.take(bytes: 4 << 20))
        #expect(capped.statistics.keptBlocks == 1)
        let none = BufferPool(limitBytes: 0)
        none.giveBack(none.take(bytes: 16))
        #expect(none.statistics.keptBlocks == 0)
    }

    @Test func pooledFloatsHoldWhatWasWrittenAndGiveTheirBlockBackWithTheLastReference() {
        let pool = BufferPool(limitBytes: 8 << 20)
        var address: UnsafeMutableRawPointer?
        do {
            let floats = PooledFloats(uninitializedCount: 300_000, pool: pool)
            floats.withUnsafeMutableBufferPointer { buffer in
                for i in buffer.indices { buffer[i] = Float(i) * 0.5 }
                address = UnsafeMutableRawPointer(buffer.baseAddress)
            }
            let copy = floats    // a second reference: the block stays lent
            #expect(pool.statistics.keptBlocks == 0)
            #expect(copy.count == 300_000 && copy[299_999] == 149_999.5 && copy[0] == 0)
            #expect(Array(copy[10..<13]) == [5, 5.5, 6])
        }
        #expect(pool.statistics.keptBlocks == 1)
        let next = PooledFloats([1, 2, 3], pool: pool)
        #expect(Array(next) == [1, 2, 3])
        // 12 bytes do not take a 1.2 MB block.
        next.withUnsafeBufferPointer { #expect(UnsafeMutableRawPointer(mutating: $0.baseAddress) != address) }
        let reuse = PooledFloats(uninitializedCount: 250_000, pool: pool)
        reuse.withUnsafeBufferPointer { #expect(UnsafeMutableRawPointer(mutating: $0.baseAddress) == address) }
    }

    @Test func blocksTakenAndGivenBackOnManyThreadsAreAllAccountedFor() {
        let pool = BufferPool(limitBytes: 16 << 20)
        let rounds = 100, threads = 8
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for round in 0..<rounds {
                let floats = PooledFloats(uninitializedCount: 50_000 + 1000 * ((thread + round) % 7), pool: pool)
                let mark = Float(thread * rounds + round)
                floats.withUnsafeMutableBufferPointer { $0.update(repeating: mark) }
                // No other thread writes a block while this one holds it (every 61st float checked).
                floats.withUnsafeBufferPointer { values in
                    #expect(stride(from: 0, to: values.count, by: 61).allSatisfy { values[$0] == mark })
                }
            }
        }
        let statistics = pool.statistics
        #expect(statistics.reused + statistics.allocated == rounds * threads)
        #expect(statistics.reused > 10 * statistics.allocated)
        #expect(statistics.keptBytes <= 16 << 20)
    }
}
