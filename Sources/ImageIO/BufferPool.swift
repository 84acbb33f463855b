import Synchronization

/// Large blocks kept for the next request instead of going back to the kernel.
///
/// The server fixes glibc's mmap threshold at 128 KiB (`AllocatorTuning`), so that resident memory
/// stays flat: every larger block is its own mapping, returned when freed. The price is that each
/// request's megabyte buffers (the network input, the photo-size depth grid) are mapped, faulted
/// in page by page and unmapped again: ~500 page faults and TLB shootdowns per answer, measured
/// per thread in docs/service.md. Blocks given back here stay mapped and are handed to the next
/// request that fits, so those faults happen once per block instead of once per request; what
/// the pool keeps is bounded by `limitBytes`, so memory stays flat as before.
public final class BufferPool: Sendable {
    /// The process's pool: 32 MiB kept at most (at concurrency 16 with 640x480 photos, the blocks
    /// in flight at once come to about 20 MiB).
    public static let shared = BufferPool(limitBytes: 32 << 20)

    /// The most bytes kept between requests; a block given back beyond it is freed (oldest first).
    public let limitBytes: Int
    /// A kept block serves a request of at least 1 / `fitRatio` of its size, no smaller (a 1 MiB
    /// request does not take a 16 MiB block that a large photo will want).
    static let fitRatio = 4
    /// Blocks start on cache lines (and AVX-512 vectors).
    static let alignment = 64

    private struct Block: @unchecked Sendable {
        let memory: UnsafeMutableRawBufferPointer
    }

    private struct State {
        var kept: [Block] = []    // oldest first
        var keptBytes = 0
        var reused = 0
        var allocated = 0
    }

    private let state = Mutex(State())

    /// A pool keeping at most `limitBytes` between requests (0 keeps nothing).
    public init(limitBytes: Int) {
        self.limitBytes = max(0, limitBytes)
    }

    /// At least `bytes` of uninitialised memory: the smallest kept block that fits, else a new one.
    /// Give it back with `giveBack` once nothing refers to it.
    public func take(bytes: Int) -> UnsafeMutableRawBufferPointer {
        let wanted = max(bytes, 1)
        let reused: Block? = state.withLock { state in
            var best: Int?
            for (index, block) in state.kept.enumerated()
            where block.memory.count >= wanted && block.memory.count / Self.fitRatio <= wanted {
                if best.map({ block.memory.count < state.kept[$0].memory.count }) ?? true { best = index }
            }
            guard let best else {
                state.allocated += 1
                return nil
            }
            let block = state.kept.remove(at: best)
            state.keptBytes -= block.memory.count
            state.reused += 1
            return block
        }
        return reused?.memory ?? .allocate(byteCount: wanted, alignment: Self.alignment)
    }

    /// Keeps `memory` (from `take`) for a later request, freeing the oldest kept blocks beyond the limit.
    public func giveBack(_ memory: UnsafeMutableRawBufferPointer) {
        let freed: [Block] = state.withLock { state in
            guard memory.count <= limitBytes else { return [Block(memory: memory)] }
            state.kept.append(Block(memory: memory))
            state.keptBytes += memory.count
            var freed: [Block] = []
            while state.keptBytes > limitBytes {
                let oldest = state.kept.removeFirst()
                state.keptBytes -= oldest.memory.count
                freed.append(oldest)
            }
            return freed
        }
        for block in freed { block.memory.deallocate() }
    }

    /// What the pool holds now and how its requests were served, for tests and benchmarks.
    public var statistics: (keptBlocks: Int, keptBytes: Int, reused: Int, allocated: Int) {
        state.withLock { ($0.kept.count, $0.keptBytes, $0.reused, $0.allocated) }
    }

    deinit {
        state.withLock { state in
            for block in state.kept { block.memory.deallocate() }
            state.kept = []
        }
    }
}
