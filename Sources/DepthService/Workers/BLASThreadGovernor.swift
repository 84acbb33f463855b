import DepthNet
import Foundation

/// Shares the cores between the model batches and the image work running at once by setting
/// OpenBLAS's thread count (process-wide) whenever either changes: a batch running while nothing
/// else runs gets every core's thread for its matrix products (the latency of one request), while
/// batches running beside each other or beside decoding and encoding get the cores that are left
/// (at least `floor` threads each), so no OpenBLAS thread spins at a barrier while its partner's
/// core decodes or runs another batch.
///
/// A change reaches the matrix products that start after it: OpenBLAS reads its thread count at
/// each call, so a batch that began alone drops to fewer threads at its next layer when other
/// work starts, and gets the cores back when that work ends. Measured on the 2-core machine
/// (docs/service.md, *Layout*).
final class BLASThreadGovernor: @unchecked Sendable {
    let cores: Int
    /// The threads each batch gets when every core is taken (the configuration's BLAS threads).
    let floor: Int
    /// False: the thread count stays `floor` (the configuration pinned it).
    let adaptive: Bool

    // Guarded by `lock`.
    private let lock = NSLock()
    private var batches = 0
    private var imageJobs = 0
    private var current: Int

    /// Touches nothing: the caller has set OpenBLAS to `floor` threads.
    init(cores: Int, floor: Int, adaptive: Bool) {
        self.cores = max(1, cores)
        self.floor = max(1, floor)
        self.adaptive = adaptive
        current = self.floor
    }

    /// The OpenBLAS threads for each of `batches` batches running beside `imageJobs` image jobs:
    /// the cores the image work leaves (it always leaves one per batch), shared among the batches.
    func threads(batches: Int, imageJobs: Int) -> Int {
        guard adaptive else { return floor }
        let running = max(1, batches)
        let free = cores - min(max(0, imageJobs), max(0, cores - running))
        return max(floor, free / running)
    }

    /// Runs one batch with the cores shared among the work running now.
    func run<Value>(_ batch: () throws -> Value) rethrows -> Value {
        update { $0.batches += 1 }
        defer { update { $0.batches -= 1 } }
        return try batch()
    }

    /// An image job started (+1) or finished (-1): ``CPUWorkPool``'s activity hook. Changes rather
    /// than totals, so that notifications arriving out of order still add up to the jobs running.
    func imageWorkChanged(by delta: Int) {
        update { $0.imageJobs += delta }
    }

    private func update(_ change: (BLASThreadGovernor) -> Void) {
        lock.lock(); defer { lock.unlock() }
        change(self)
        guard adaptive, batches > 0 else { return }
        let wanted = threads(batches: batches, imageJobs: imageJobs)
        if wanted != current {
            OpenBLAS.setThreadCount(wanted)
            current = wanted
        }
    }
}
