import Foundation
import Testing
@testable import DepthService
import TestSupport

@Suite("Shutdown")
struct ShutdownTests {
    @Test func deliveredSignalArrivesAsAValueInsteadOfKillingTheProcess() async throws {
        // SIGUSR2 stands in for SIGTERM: the same path, and its default action (terminate) would end
        // the test run if the listener's thread did not take it.
        let listener = ShutdownSignals([SIGUSR2])
        defer { listener.cancel() }
        listener.deliver(SIGUSR2)
        #expect(await listener.next() == SIGUSR2)
        listener.deliver(SIGUSR2)
        #expect(await listener.next() == SIGUSR2, "a second signal arrives too (operators press Ctrl-C twice)")
    }

    @Test func drainThatFinishesInTimeReportsSuccess() async {
        let pool = ModelPool<Int, Int>(workers: 1, queueCapacity: 4,
                                       makeState: { _ in 3 }, runBatch: { k, xs in xs.map { $0 * k } })
        let result = try? await pool.submit(7)
        #expect(result?.output == 21)
        let finished = await GracefulDrain.run(gracePeriod: .seconds(30)) { await pool.drain() }
        #expect(finished)
        #expect(!pool.statistics.isAccepting)
    }

    @Test func drainThatOverrunsTheGracePeriodIsAbandonedPromptly() async throws {
        let gate = DispatchSemaphore(value: 0)
        let pool = ModelPool<Int, Int>(workers: 1, queueCapacity: 4,
                                       makeState: { _ in () }, runBatch: { _, xs in gate.wait(); return xs })
        let stuck = Task { try await pool.submit(1) }
        try await waitFor("the stuck job to reach the worker") { pool.statistics.inFlight == 1 }
        let start = ContinuousClock.now
        let finished = await GracefulDrain.run(gracePeriod: .milliseconds(50)) { await pool.drain() }
        #expect(!finished)
        #expect(ContinuousClock.now - start < .seconds(20), "returned at the grace period, not with the work")
        gate.signal()
        #expect(try await stuck.value.output == 1)
    }
}
