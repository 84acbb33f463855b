import Synchronization

/// Large blocks kept for the next request instead of going back to the kernel.
///
/// The server fixes glibc's mmap threshold at 128 KiB (`AllocatorTuning`), so that resident memory
/// stays flat: every larger block is its own mapping, returned when freed. The price is that each
/// request's megabyte buffers (the network input, the photo-size depth grid) are mapped, faulted
/// in page by page and unmapped again. Blocks given back here stay mapped and are handed to the
/// next request that fits, so those faults happen once per block instead of once per request
/// (with the PNG writer's output kept per thread too, a 640x480 answer went from ~725 faults to
/// ~146, docs/reliability.md); what the pool keeps is bounded, so memory stays flat as before.
public final class BufferPool: Sendable {
    /// The process's pool: 16 MiB kept at most (at concurrency 16 with 640x480 photos, the network
    /// inputs and grids in flight at once come to about 16 MiB), no block over 4 MiB.
    public static let shared = BufferPool(limitBytes: 16 << 20, largestBlockBytes: 4 << 20)

    /// The most bytes kept between requests; a block given back beyond it is freed (oldest first).
    public let limitBytes: Int
    /// Larger blocks are freed when given back, as the encoders' per-thread scratch is (4 MiB,
    /// `CIC_SCRATCH_KEEP`): a photo-size grid above 1 MP would otherwise pin its megabytes for a
    /// rare large answer (measured by scripts/reliability/soak.py, docs/reliability.md).
    public let largestBlockBytes: Int
    /// A kept block serves requests of its size down to 4/5 of it, no smaller: a 640x480 answer's
    /// grid does not take, and touch, the block of a larger photo's, so each size a workload uses keeps
    /// about as many blocks as it has in flight at once.
    static func fits(_ block: Int, _ wanted: Int) -> Bool { block >= wanted && block - block / 5 <= wanted }
    /// Blocks kept longer than this without being taken are freed (checked whenever the pool is
    /// used), so a workload that moves on from a size does not hold its blocks.
    public let idleLimit: Duration
    /// Blocks start on cache lines (and AVX-512 vectors).
    static let alignment = 64

    private struct Block: @unchecked Sendable {
        let memory: UnsafeMutableRawBufferPointer
        var keptSince = ContinuousClock.now
    }

    private struct State {
        var kept: [Block] = []    // oldest first
        var keptBytes = 0
        var reused = 0
        var allocated = 0
    }

    private let state = Mutex(State())

    /// A pool keeping at most `limitBytes` between requests (0 keeps nothing), in blocks of at most
    /// `largestBlockBytes`, each for at most `idleLimit` unused.
    public init(limitBytes: Int, largestBlockBytes: Int = .max, idleLimit: Duration = .seconds(10)) {
        self.limitBytes = max(0, limitBytes)
        self.largestBlockBytes = largestBlockBytes
        self.idleLimit = idleLimit
    }

    /// At least `bytes` of uninitialised memory: the smallest kept block that fits, else a new one.
    /// Give it back with `giveBack` once nothing refers to it.
    public func take(bytes: Int) -> UnsafeMutableRawBufferPointer {
        let wanted = max(bytes, 1)
        let (reused, idle): (Block?, [Block]) = state.withLock { state in
            let idle = removeIdle(from: &state)
            var best: Int?
            for (index, block) in state.kept.enumerated() where Self.fits(block.memory.count, wanted) {
                if best.map({ block.memory.count < state.kept[$0].memory.count }) ?? true { best = index }
            }
            guard let best else {
                state.allocated += 1
                return (nil, idle)
            }
            let block = state.kept.remove(at: best)
            state.keptBytes -= block.memory.count
            state.reused += 1
            return (block, idle)
        }
        for block in idle { block.memory.deallocate() }
        return reused?.memory ?? .allocate(byteCount: wanted, alignment: Self.alignment)
    }

    /// Keeps `memory` (from `take`) for a later request, freeing the oldest kept blocks beyond the limit.
    public func giveBack(_ memory: UnsafeMutableRawBufferPointer) {
        let freed: [Block] = state.withLock { state in
            var freed = removeIdle(from: &state)
            guard memory.count <= min(limitBytes, largestBlockBytes) else { return freed + [Block(memory: memory)] }
            state.kept.append(Block(memory: memory))
            state.keptBytes += memory.count
            while state.keptBytes > limitBytes {
                let oldest = state.kept.removeFirst()
                state.keptBytes -= oldest.memory.count
                freed.append(oldest)
            }
            return freed
        }
        for block in freed { block.memory.deallocate() }
    }

    /// Takes out the blocks kept past `idleLimit` (the oldest are first), for freeing outside the lock.
    private func removeIdle(from state: inout State) -> [Block] {
        let now = ContinuousClock.now
        guard let first = state.kept.first, first.keptSince.duration(to: now) > idleLimit else { return [] }
        let idle = state.kept.prefix { $0.keptSince.duration(to: now) > idleLimit }
        state.kept.removeFirst(idle.count)
        state.keptBytes -= idle.reduce(0) { $0 + $1.memory.count }
        return Array(idle)
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
