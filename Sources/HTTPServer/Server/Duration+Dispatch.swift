import Dispatch

extension Duration {
    /// The longest interval ``dispatchInterval`` gives, in nanoseconds: about 146 years, as good as
    /// never for a timeout (Dispatch saturates a deadline that far out to `distantFuture`), and far
    /// enough below `Int64.max` that `DispatchTime.now() + interval` cannot overflow.
    static let maxDispatchNanoseconds = Int64.max / 2

    /// This duration as a Dispatch interval (for `asyncAfter` and timer sources): whole nanoseconds,
    /// rounded towards zero, clamped to 0 ... about 146 years. A negative duration means "now" and a
    /// huge one "as late as can be"; the result is never negative and never wraps.
    public var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let limit = Self.maxDispatchNanoseconds
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return .nanoseconds(0) }
        if seconds > limit / 1_000_000_000 { return .nanoseconds(Int(limit)) }
        // seconds <= limit / 10^9 and attoseconds < 10^18: the sum cannot overflow.
        return .nanoseconds(Int(min(seconds * 1_000_000_000 + attoseconds / 1_000_000_000, limit)))
    }
}
