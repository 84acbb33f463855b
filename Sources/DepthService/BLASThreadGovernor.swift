import DepthNet
import Foundation

/// Shares the cores among the model batches running at once by setting OpenBLAS's thread count
/// (process-wide) as batches start and end: a batch running alone gets every core's thread for
/// its matrix products (the latency of one request), while `workers` batches running together get
/// `floor` threads each, so workers x threads never oversubscribes the cores (no OpenBLAS thread
/// spinning at a barrier while its core decodes or runs another batch).
///
/// A change reaches the matrix products that start after it: OpenBLAS reads its thread count at
/// each call, so a batch that began alone drops to `floor` threads at its next layer when a
/// second batch starts, and returns to every core when that one ends. Measured on the 2-core
/// machine (docs/service.md, *Layout*).
final class BLASThreadGovernor: @unchecked Sendable {
    let cores: Int
    /// The threads each batch gets when every worker runs one (the configuration's BLAS threads).
    let floor: Int
    /// False: the thread count stays `floor` (the configuration pinned it).
    let adaptive: Bool

    // Guarded by `lock`.
    private let lock = NSLock()
    private var running = 0
    private var current: Int

    /// Touches nothing: the caller has set OpenBLAS to `floor` threads.
    init(cores: Int, floor: Int, adaptive: Bool) {
        self.cores = max(1, cores)
        self.floor = max(1, floor)
        self.adaptive = adaptive
        current = self.floor
    }

    /// The OpenBLAS threads for each of `running` batches at once.
    func threads(forRunning running: Int) -> Int {
        adaptive ? max(floor, cores / max(1, running)) : floor
    }

    /// Runs one batch with the cores shared among the batches running now.
    func run<Value>(_ batch: () throws -> Value) rethrows -> Value {
        update(by: 1)
        defer { update(by: -1) }
        return try batch()
    }

    private func update(by delta: Int) {
        lock.lock(); defer { lock.unlock() }
        running += delta
        guard adaptive, running > 0 else { return }
        let wanted = threads(forRunning: running)
        if wanted != current {
            OpenBLAS.setThreadCount(wanted)
            current = wanted
        }
    }
}
