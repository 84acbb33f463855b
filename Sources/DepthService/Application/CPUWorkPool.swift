import Foundation

/// A fixed set of dedicated threads for blocking CPU work (image decoding, resizing, encoding).
///
/// Request handlers run on Swift's cooperative thread pool, which has one thread per core: a
/// handler that decoded a large JPEG there would stall every other connection's handler on that
/// thread. ``run(_:)`` moves such work onto these threads and suspends the caller until it is done.
public final class CPUWorkPool: @unchecked Sendable {
    public let threadCount: Int

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopped = false

    /// Starts `threads` threads named `<name>-N`.
    public init(threads: Int, name: String = "cpu-work") {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in self.threadMain() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads and returns (or throws) its result.
    public func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Lets the threads exit once the jobs already queued have run.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        let refused = stopped
        if !refused {
            jobs.append(job)
            condition.signal()
        }
        condition.unlock()
        // After stop() the caller still gets an answer: run it here rather than never.
        if refused { job() }
    }

    private func threadMain() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
