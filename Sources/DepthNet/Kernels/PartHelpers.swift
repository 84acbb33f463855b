import CDirectConvolution
import Dispatch
import Foundation
import Synchronization

/// Helper threads that take the pieces of a `ParallelParts.run` beside the thread that calls it.
///
/// Why not `DispatchQueue.concurrentPerform`: a forward pass of the bundled model is about 15
/// parallel steps of 0.05-2 ms each, and each step woke a sleeping Dispatch thread: on the 2-core
/// machine, splitting 14 µs of work in two that way took 29-31 µs, where each half is about 7. A
/// helper here spins for `spinLimit` after its last piece, so the next step of the same pass starts
/// at once; it then sleeps on a semaphore until the next job.
///
/// One job at a time: a call made while another job holds the helpers (two predictors with
/// several threads each, or a nested call) runs its pieces on its own thread. Every piece is
/// taken from one counter, by the caller or a helper, so which thread runs a piece never changes
/// what it computes.
final class PartHelpers: Sendable {
    /// One helper for every core but the caller's.
    static let shared = PartHelpers(helpers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// How long an idle helper spins before it sleeps: longer than the gaps between the steps of
    /// one forward pass (the serial copies between layers), far shorter than the image work
    /// between two requests.
    static let spinLimit: Duration = .microseconds(200)

    /// A job: `pieces` pieces, run by the caller and at most `helpers` helpers.
    private final class Job: Sendable {
        let pieces: Int, helpers: Int
        let body: @Sendable (Int) -> Void
        let next = Atomic<Int>(0)     // the next piece not yet taken
        let joined = Atomic<Int>(0)   // helpers that joined
        let finished = Atomic<Int>(0) // pieces done

        init(pieces: Int, helpers: Int, body: @escaping @Sendable (Int) -> Void) {
            (self.pieces, self.helpers, self.body) = (pieces, helpers, body)
        }

        /// Runs pieces until none is left.
        func work() {
            while case let piece = next.wrappingAdd(1, ordering: .relaxed).oldValue, piece < pieces {
                body(piece)
                finished.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    let helperCount: Int
    private let current = Mutex<Job?>(nil)
    private let generation = Atomic<Int>(0)   // bumped for every job posted
    private let sleepers = Atomic<Int>(0)     // helpers blocked on `wake`
    private let spinners = Atomic<Int>(0)     // helpers spinning after a job they took part in
    private let wake = DispatchSemaphore(value: 0)

    /// Helpers spinning now, waiting for a next job (tests).
    var spinningHelpers: Int { spinners.load(ordering: .relaxed) }

    /// Starts `helpers` helper threads, which live as long as the process (tests make their own).
    init(helpers: Int) {
        helperCount = helpers
        for index in 0..<helpers {
            let thread = Thread { [self] in helperLoop() }
            thread.name = "model-part-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(piece)` for every piece in 0..<pieces, on this thread and up to `parts - 1`
    /// helpers; returns when every piece has finished.
    func run(pieces: Int, parts: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let job = Job(pieces: pieces, helpers: min(parts - 1, helperCount), body: body)
        let posted = job.helpers > 0 && current.withLock { slot in
            guard slot == nil else { return false }
            slot = job
            return true
        }
        if posted {
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            // Spinning helpers see the job by themselves; sleepers are woken for the rest. A helper
            // counts itself a sleeper before it looks at the generation one last time, so it
            // either sees this job or is counted here.
            let asleep = sleepers.load(ordering: .sequentiallyConsistent)
            let missing = job.helpers - spinners.load(ordering: .sequentiallyConsistent)
            for _ in 0..<max(0, min(asleep, missing)) { wake.signal() }
        }
        job.work()
        if posted {
            var spins = 0
            while job.finished.load(ordering: .acquiring) < pieces {
                spins += 1
                if spins % 1024 == 0 { sched_yield() } else { dc_spin_pause() }
            }
            current.withLock { $0 = nil }
        }
    }

    private func helperLoop() {
        var seen = generation.load(ordering: .sequentiallyConsistent), tookPart = false
        while true {
            // Only a helper that took part in the last job spins: on a machine with many cores, a
            // two-thread job keeps one helper busy, not all of them.
            seen = (tookPart ? spin(after: seen) : nil) ?? sleep(after: seen)
            tookPart = false
            guard let job = current.withLock({ $0 }) else { continue }
            if job.joined.wrappingAdd(1, ordering: .relaxed).oldValue < job.helpers {
                job.work()
                tookPart = true
            }
        }
    }

    /// Spins up to `spinLimit` for a generation after `seen`; nil if none came.
    private func spin(after seen: Int) -> Int? {
        spinners.wrappingAdd(1, ordering: .sequentiallyConsistent)
        defer { spinners.wrappingSubtract(1, ordering: .sequentiallyConsistent) }
        let clock = ContinuousClock(), deadline = clock.now.advanced(by: Self.spinLimit)
        var spins = 0
        while true {
            let now = generation.load(ordering: .acquiring)
            if now != seen { return now }
            spins += 1
            if spins % 256 == 0, clock.now >= deadline { return nil }
            dc_spin_pause()
        }
    }

    /// Sleeps until a generation after `seen` is posted.
    private func sleep(after seen: Int) -> Int {
        while true {
            sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
            let now = generation.load(ordering: .sequentiallyConsistent)
            if now != seen {
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                return now
            }
            wake.wait()
            sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            let woken = generation.load(ordering: .acquiring)
            if woken != seen { return woken }
        }
    }
}
