import Dispatch
import Foundation
import Testing
@testable import DepthService
import LiveTestSupport
import TestSupport

/// The image threads: cancelled jobs never run, finishing work goes first.
@Suite("CPUWorkPool", .timeLimit(.minutes(1)))
struct CPUWorkPoolTests {
    /// Holds the pool's only thread until the returned gate is signalled.
    private func occupy(_ pool: CPUWorkPool, log: Recorder<String>) async throws -> (gate: DispatchSemaphore, task: Task<Void, any Error>) {
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let task = Task {
            try await pool.run { started.signal(); gate.wait(); log.append("blocker") }
        }
        // Wait off the cooperative pool, whose threads the test's tasks need.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { started.wait(); continuation.resume() }
        }
        return (gate, task)
    }

    @Test func jobCancelledWhileWaitingForAThreadIsDroppedAtOnceAndNeverRuns() async throws {
        let pool = CPUWorkPool(threads: 1, name: "test-cpu")
        defer { pool.stop() }
        let log = Recorder<String>()
        let (gate, blocker) = try await occupy(pool, log: log)
        let waiting = Task { try await pool.run { log.append("cancelled job"); return 1 } }
        try await waitFor("the job to wait for the thread") { pool.waiting == 1 }
        waiting.cancel()
        // Thrown while the only thread is still held: the job did not wait for it.
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(pool.waiting == 0 && pool.cancelledBeforeStart == 1)
        gate.signal()
        try await blocker.value
        #expect(try await pool.run { log.append("next"); return 2 } == 2)
        #expect(log.values == ["blocker", "next"])
    }

    @Test func jobOfAnAlreadyCancelledTaskIsNotRun() async throws {
        let pool = CPUWorkPool(threads: 1, name: "test-cpu")
        defer { pool.stop() }
        let log = Recorder<String>()
        let task = Task {
            while !Task.isCancelled { await Task.yield() }
            return try await pool.run { log.append("ran"); return 1 }
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(pool.cancelledBeforeStart == 1 && log.values.isEmpty)
    }

    @Test func jobAlreadyRunningWhenCancelledFinishesAndReturnsItsResult() async throws {
        let pool = CPUWorkPool(threads: 1, name: "test-cpu")
        defer { pool.stop() }
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let task = Task { try await pool.run { started.signal(); gate.wait(); return 42 } }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { started.wait(); continuation.resume() }
        }
        task.cancel()
        gate.signal()
        #expect(try await task.value == 42)
        #expect(pool.cancelledBeforeStart == 0)
    }

    @Test func finishingWorkRunsBeforeStartingWorkQueuedEarlier() async throws {
        let pool = CPUWorkPool(threads: 1, name: "test-cpu")
        defer { pool.stop() }
        let log = Recorder<String>()
        let (gate, blocker) = try await occupy(pool, log: log)
        let decode = Task { try await pool.run(.start) { log.append("decode") } }
        try await waitFor("the decode to wait") { pool.waiting == 1 }
        let encode = Task { try await pool.run(.finish) { log.append("encode") } }
        try await waitFor("the encode to wait") { pool.waiting == 2 }
        gate.signal()
        try await blocker.value
        try await decode.value
        try await encode.value
        #expect(log.values == ["blocker", "encode", "decode"])
    }

    @Test func manyCancellationsRacingTheThreadsResolveEveryJobExactlyOnce() async throws {
        let pool = CPUWorkPool(threads: 2, name: "test-cpu")
        defer { pool.stop() }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for seed in 0..<400 {
                group.addTask {
                    let task = Task { try await pool.run(seed % 2 == 0 ? .start : .finish) { seed * 2 } }
                    if seed % 3 == 0 { task.cancel() }
                    do {
                        return try await task.value == seed * 2 ? "ok" : "wrong"
                    } catch is CancellationError {
                        return "cancelled"
                    } catch {
                        return "unexpected \(error)"
                    }
                }
            }
            return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(outcomes.keys.allSatisfy { ["ok", "cancelled"].contains($0) }, "\(outcomes)")
        #expect(outcomes.values.reduce(0, +) == 400)
        #expect(pool.cancelledBeforeStart == outcomes["cancelled", default: 0])
        #expect(pool.waiting == 0)
    }
}
