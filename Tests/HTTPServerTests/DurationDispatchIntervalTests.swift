import Dispatch
import Testing
@testable import HTTPServer

/// `Duration.dispatchInterval`, which every timer and `asyncAfter` of the server goes through: whole
/// nanoseconds, clamped to 0 ... `maxDispatchNanoseconds`, never negative and never wrapped.
@Suite struct DurationDispatchIntervalTests {
    static let ceiling = DispatchTimeInterval.nanoseconds(Int(Duration.maxDispatchNanoseconds))

    @Test func ordinaryDurationsAreExactNanoseconds() {
        #expect(Duration.seconds(2).dispatchInterval == .nanoseconds(2_000_000_000))
        #expect(Duration.milliseconds(1500).dispatchInterval == .nanoseconds(1_500_000_000))
        #expect(Duration.nanoseconds(7).dispatchInterval == .nanoseconds(7))
        #expect(Duration.seconds(86_400 * 365).dispatchInterval == .nanoseconds(86_400 * 365 * 1_000_000_000))
    }

    @Test func fractionsOfANanosecondRoundTowardsZero() {
        #expect(Duration(secondsComponent: 0, attosecondsComponent: 999_999_999).dispatchInterval == .nanoseconds(0))
        #expect(Duration(secondsComponent: 1, attosecondsComponent: 1_999_999_999).dispatchInterval == .nanoseconds(1_000_000_001))
    }

    @Test func zeroAndNegativeDurationsAreZero() {
        #expect(Duration.zero.dispatchInterval == .nanoseconds(0))
        #expect(Duration.nanoseconds(-1).dispatchInterval == .nanoseconds(0))
        #expect(Duration.milliseconds(-1500).dispatchInterval == .nanoseconds(0))
        // Too negative for nanoseconds in an Int64: still zero, not "never" or a wrapped positive.
        #expect(Duration(secondsComponent: .min, attosecondsComponent: 0).dispatchInterval == .nanoseconds(0))
        #expect(Duration.seconds(-Int64(Int32.max) * 10).dispatchInterval == .nanoseconds(0))
    }

    @Test func hugeDurationsClampToTheCeiling() {
        let limit = Duration.maxDispatchNanoseconds
        #expect(Duration.nanoseconds(limit).dispatchInterval == Self.ceiling)
        #expect(Duration.nanoseconds(limit - 1).dispatchInterval == .nanoseconds(Int(limit - 1)))
        #expect((Duration.nanoseconds(limit) + .nanoseconds(1)).dispatchInterval == Self.ceiling)
        // Just past where seconds * 10^9 overflows an Int64, and the largest Duration's seconds.
        #expect(Duration.seconds(Int64.max / 1_000_000_000 + 1).dispatchInterval == Self.ceiling)
        #expect(Duration(secondsComponent: .max, attosecondsComponent: 999_999_999_999_999_999).dispatchInterval == Self.ceiling)
    }

    @Test func theCeilingIsADeadlineInTheFutureNotAWrappedOne() {
        let now = DispatchTime.now()
        let latest = now + Duration.seconds(Int64.max).dispatchInterval
        // Dispatch saturates a deadline this far out to distantFuture; what matters is it is not in the past.
        #expect(latest > now + .seconds(86_400 * 365 * 100))
        let inAnHour = now + Duration.seconds(3600).dispatchInterval
        #expect(inAnHour > now + .seconds(3599) && inAnHour < now + .seconds(3601))
        #expect(now + Duration.seconds(-5).dispatchInterval == now)
    }
}
