import Foundation

/// Bounds a drain by the grace period: SIGTERM must end in an exit within
/// `DEPTHD_GRACE_PERIOD_S` even if a request never finishes.
public enum GracefulDrain {
    /// Starts `drain` and returns `true` when it finished within `gracePeriod`, `false` as soon as
    /// the grace period is over (the drain then keeps running, but the caller exits anyway).
    public static func run(gracePeriod: Duration, drain: @escaping @Sendable () async -> Void) async -> Bool {
        let outcome = FirstOutcome()
        return await withCheckedContinuation { continuation in
            let timer = Task {
                try? await Task.sleep(for: gracePeriod)
                if outcome.claim() { continuation.resume(returning: false) }
            }
            Task {
                await drain()
                if outcome.claim() {
                    timer.cancel()
                    continuation.resume(returning: true)
                }
            }
        }
    }
}

/// True exactly once, for whichever racer claims first.
private final class FirstOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.withLock {
            defer { claimed = true }
            return !claimed
        }
    }
}
