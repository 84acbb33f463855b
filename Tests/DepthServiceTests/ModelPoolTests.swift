import Dispatch
import Foundation
import Testing
@testable import DepthService
import TestSupport

/// The worker state of the test pools: a fixed weight matrix plus a preallocated workspace, like the
/// real predictor. Inputs are 4x4 matrices (row-major) that are multiplied by the weights.
private struct MatrixWorker {
    let worker: Int
    var weights: [Float]    // (4, 4) row-major
    var workspace: [Float]  // (4, 4) product buffer, reused for every input
    var batchesRun = 0
}

private enum TestInput: Sendable {
    case matrix([Float])            // (4, 4) row-major
    case waitFor(DispatchSemaphore) // holds the worker until the test opens the gate
}

private struct TestOutput: Sendable, Equatable {
    var worker: Int
    var product: [Float]            // (4, 4) row-major
}

private let weights: [Float] = (0..<16).map { Float($0 % 5) - 1.5 }

/// Slow, obvious reference for the product the workers compute.
private func referenceProduct(_ a: [Float], _ b: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: 16)
    for i in 0..<4 { for j in 0..<4 { for k in 0..<4 { out[i * 4 + j] += a[i * 4 + k] * b[k * 4 + j] } } }
    return out
}

private func matrix(_ seed: Int) -> [Float] { (0..<16).map { Float(($0 * 7 + seed * 13) % 11) - 5 } }

/// A thread-safe box for what the batch function observes.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _batchWorkers: [Int] = []
    func record(worker: Int) { lock.withLock { _batchWorkers.append(worker) } }
    var batchWorkers: [Int] { lock.withLock { _batchWorkers } }
}

private func makePool(
    workers: Int = 1, queueCapacity: Int = 64, maxBatch: Int = 1, maxBatchWait: Duration = .zero,
    timeout: Duration? = nil, recorder: Recorder = Recorder(), failingWorker: Int? = nil
) -> ModelPool<TestInput, TestOutput> {
    ModelPool(
        workers: workers, queueCapacity: queueCapacity, maxBatch: maxBatch, maxBatchWait: maxBatchWait,
        defaultQueueTimeout: timeout,
        makeState: { index in
            struct StartFailure: Error {}
            if index == failingWorker { throw StartFailure() }
            return MatrixWorker(worker: index, weights: weights, workspace: Array(repeating: 0, count: 16))
        },
        runBatch: { state, inputs in
            recorder.record(worker: state.worker)
            state.batchesRun += 1
            return inputs.map { input in
                switch input {
                case let .waitFor(gate):
                    gate.wait()
                    return TestOutput(worker: state.worker, product: [])
                case let .matrix(a):
                    for i in 0..<16 { state.workspace[i] = 0 }
                    for i in 0..<4 { for k in 0..<4 { for j in 0..<4 {
                        state.workspace[i * 4 + j] += a[i * 4 + k] * state.weights[k * 4 + j]
                    } } }
                    return TestOutput(worker: state.worker, product: state.workspace)
                }
            }
        })
}

@Suite("ModelPool")
struct ModelPoolTests {
    @Test func concurrentRequestsEachGetTheirOwnResult() async throws {
        let pool = makePool(workers: 3, queueCapacity: 200, maxBatch: 4, maxBatchWait: .milliseconds(1))
        let results = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for seed in 0..<200 {
                group.addTask { (seed, try await pool.submit(.matrix(matrix(seed))).output.product) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 200)
        for seed in 0..<200 { #expect(results[seed] == referenceProduct(matrix(seed), weights)) }
        let stats = pool.statistics
        #expect(stats.completed == 200)
        #expect(zip(1..., stats.batchSizeCounts).reduce(0) { $0 + $1.0 * $1.1 } == 200)
        await pool.drain()
    }

    @Test func fullQueueAnswersOverloadedWithoutWaiting() async throws {
        let pool = makePool(queueCapacity: 2)
        let gate = DispatchSemaphore(value: 0)
        async let blocker = pool.submit(.waitFor(gate))
        try await waitFor("the worker holds the gate") { pool.statistics.inFlight == 1 }
        async let first = pool.submit(.matrix(matrix(1)))
        async let second = pool.submit(.matrix(matrix(2)))
        try await waitFor("two requests are queued") { pool.statistics.queueDepth == 2 }
        // The gate is still closed, so this can only return because the pool refused at once.
        await #expect(throws: ModelPoolError.overloaded) { try await pool.submit(.matrix(matrix(3))) }
        #expect(pool.statistics.rejectedOverloaded == 1)
        gate.signal()
        _ = try await blocker
        #expect(try await first.output.product == referenceProduct(matrix(1), weights))
        #expect(try await second.output.product == referenceProduct(matrix(2), weights))
    }

    @Test func reservedPlacesCountAgainstTheQueueUntilSubmittedOrReleased() async throws {
        let pool = makePool(queueCapacity: 2)
        let gate = DispatchSemaphore(value: 0)
        async let blocker = pool.submit(.waitFor(gate))
        try await waitFor("the worker holds the gate") { pool.statistics.inFlight == 1 }
        let first = try pool.reserve()
        let second = try pool.reserve()
        // Both places are held while their inputs are prepared: a third request is refused before any work.
        #expect(throws: ModelPoolError.overloaded) { try pool.reserve() }
        await #expect(throws: ModelPoolError.overloaded) { try await pool.submit(.matrix(matrix(9))) }
        // A reserved request takes its place although queued plus reserved fill the capacity.
        async let queued = pool.submit(.matrix(matrix(1)), slot: first)
        try await waitFor("the reserved request is queued") { pool.statistics.queueDepth == 1 }
        pool.release(first)  // already submitted: gives nothing back
        #expect(throws: ModelPoolError.overloaded) { try pool.reserve() }
        pool.release(second)
        pool.release(second)  // released once only
        let third = try pool.reserve()
        #expect(throws: ModelPoolError.overloaded) { try pool.reserve() }
        pool.release(third)
        #expect(pool.statistics.rejectedOverloaded == 4)
        gate.signal()
        _ = try await blocker
        #expect(try await queued.output.product == referenceProduct(matrix(1), weights))
        await pool.drain()
    }

    @Test func requestsQueuedTogetherRunAsOneBatch() async throws {
        let pool = makePool(maxBatch: 8, maxBatchWait: .milliseconds(2))
        let gate = DispatchSemaphore(value: 0)
        async let blocker = pool.submit(.waitFor(gate))
        try await waitFor("the worker holds the gate") { pool.statistics.inFlight == 1 }
        let results = Task {
            try await withThrowingTaskGroup(of: ModelPoolResult<TestOutput>.self) { group in
                for seed in 0..<6 { group.addTask { try await pool.submit(.matrix(matrix(seed))) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await waitFor("six requests are queued") { pool.statistics.queueDepth == 6 }
        gate.signal()
        _ = try await blocker
        let batched = try await results.value
        #expect(batched.map(\.batchSize) == Array(repeating: 6, count: 6))
        var expected = Array(repeating: 0, count: 8)
        expected[0] = 1  // the gate
        expected[5] = 1  // the six queued requests together
        #expect(pool.statistics.batchSizeCounts == expected)
    }

    @Test func batchSizeOneRunsEveryRequestAlone() async throws {
        let pool = makePool(maxBatch: 1)
        let gate = DispatchSemaphore(value: 0)
        async let blocker = pool.submit(.waitFor(gate))
        try await waitFor("the worker holds the gate") { pool.statistics.inFlight == 1 }
        async let a = pool.submit(.matrix(matrix(1)))
        async let b = pool.submit(.matrix(matrix(2)))
        try await waitFor("two requests are queued") { pool.statistics.queueDepth == 2 }
        gate.signal()
        _ = try await (blocker, a, b)
        #expect(pool.statistics.batchSizeCounts == [3])
    }

    @Test func warmUpRunsOneBatchOnEveryWorkerBeforeReadiness() async throws {
        let recorder = Recorder()
        let pool = makePool(workers: 3, recorder: recorder)
        #expect(!pool.isReady)
        try await pool.warmUp([.matrix(matrix(0))])
        #expect(pool.isReady)
        #expect(recorder.batchWorkers.sorted() == [0, 1, 2])
        #expect(pool.statistics.warmedWorkers == 3)
        #expect(pool.statistics.batchSizeCounts == [0], "warm-up batches are not request batches")
        await pool.drain()
        #expect(!pool.isReady, "a draining pool is not ready")
    }

    @Test func workerThatCannotStartFailsWarmUp() async throws {
        let pool = makePool(workers: 2, failingWorker: 1)
        await #expect(throws: ModelPoolError.self) { try await pool.warmUp([.matrix(matrix(0))]) }
        #expect(!pool.isReady)
        // The healthy worker still serves.
        #expect(try await pool.submit(.matrix(matrix(4))).output.product == referenceProduct(matrix(4), weights))
    }

    @Test func drainFinishesQueuedAndInFlightWorkAndRefusesNewWork() async throws {
        let pool = makePool()
        let gate = DispatchSemaphore(value: 0)
        async let inFlight = pool.submit(.waitFor(gate))
        try await waitFor("the worker holds the gate") { pool.statistics.inFlight == 1 }
        async let queued = pool.submit(.matrix(matrix(5)))
        try await waitFor("one request is queued") { pool.statistics.queueDepth == 1 }
        let drained = Task { await pool.drain() }
        try await waitFor("draining has begun") { !pool.statistics.isAccepting }
        await #expect(throws: ModelPoolError.shuttingDown) { try await pool.submit(.matrix(matrix(6))) }
        gate.signal()
        await drained.value
        _ = try await inFlight
        #expect(try await queued.output.product == referenceProduct(matrix(5), weights))
        let stats = pool.statistics
        #expect(stats.queueDepth == 0 && stats.inFlight == 0 && stats.completed == 2)
    }

    @Test func requestThatWaitsPastItsDeadlineFailsWhileWorkersAreBusy() async throws {
        let pool = makePool(timeout: .seconds(60))
        let gate = DispatchSemaphore(value: 0)
        async let blocker = pool.submit(.waitFor(gate))
        try await waitFor("the worker holds the gate") { pool.statistics.inFlight == 1 }
        // The gate stays closed while this request expires.
        await #expect(throws: ModelPoolError.deadlineExceeded) {
            try await pool.submit(.matrix(matrix(1)), queueTimeout: .milliseconds(20))
        }
        let stats = pool.statistics
        #expect(stats.queueDepth == 0 && stats.expiredInQueue == 1)
        gate.signal()
        _ = try await blocker
        #expect(pool.statistics.completed == 1)
    }

    @Test func mixedDeadlinesAndCancellationsResolveEveryRequestExactlyOnce() async throws {
        // Races between the deadline timers, cancellation and the workers must never lose or
        // double-resume a continuation (a double resume traps; a lost one hangs this test).
        let pool = makePool(workers: 2, queueCapacity: 1000, maxBatch: 4, maxBatchWait: .microseconds(200))
        let outcomes = await withTaskGroup(of: String.self) { group in
            for seed in 0..<300 {
                group.addTask {
                    let task = Task { try await pool.submit(.matrix(matrix(seed)), queueTimeout: .milliseconds(seed % 7)) }
                    if seed % 5 == 0 { task.cancel() }
                    do {
                        let result = try await task.value
                        return result.output.product == referenceProduct(matrix(seed), weights) ? "ok" : "wrong"
                    } catch ModelPoolError.deadlineExceeded {
                        return "expired"
                    } catch is CancellationError {
                        return "cancelled"
                    } catch {
                        return "unexpected \(error)"
                    }
                }
            }
            return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(outcomes.keys.allSatisfy { ["ok", "expired", "cancelled"].contains($0) }, "\(outcomes)")
        #expect(outcomes.values.reduce(0, +) == 300)
        let stats = pool.statistics
        #expect(stats.completed == outcomes["ok", default: 0])
        #expect(stats.expiredInQueue == outcomes["expired", default: 0])
        #expect(stats.cancelledInQueue + stats.cancelledBeforeBatch == outcomes["cancelled", default: 0])
        #expect(stats.queueDepth == 0 && stats.inFlight == 0)
        await pool.drain()
    }

    @Test func cancelledQueuedRequestLeavesTheQueueAtOnceFreeingItsPlaceAndNeverRuns() async throws {
        let pool = makePool(queueCapacity: 1)
        let gate = DispatchSemaphore(value: 0)
        async let blocker = pool.submit(.waitFor(gate))
        try await waitFor("the worker holds the gate") { pool.statistics.inFlight == 1 }
        let waiting = Task { try await pool.submit(.matrix(matrix(1))) }
        try await waitFor("one request is queued") { pool.statistics.queueDepth == 1 }
        waiting.cancel()
        // Thrown while the worker is still held: the request did not wait for it.
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(pool.statistics.queueDepth == 0 && pool.statistics.cancelledInQueue == 1)
        // Its place is free: a queue of one takes the next request.
        let next = Task { try await pool.submit(.matrix(matrix(2))) }
        try await waitFor("the next request is queued") { pool.statistics.queueDepth == 1 }
        gate.signal()
        _ = try await blocker
        #expect(try await next.value.output.product == referenceProduct(matrix(2), weights))
        #expect(pool.statistics.completed == 2, "the cancelled request never ran")
    }

    @Test func requestOfAnAlreadyCancelledTaskIsNeitherQueuedNorRun() async throws {
        let pool = makePool()
        let task = Task {
            while !Task.isCancelled { await Task.yield() }
            return try await pool.submit(.matrix(matrix(3)))
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        let stats = pool.statistics
        #expect(stats.cancelledInQueue == 1 && stats.queueDepth == 0 && stats.rejectedOverloaded == 0)
        #expect(try await pool.submit(.matrix(matrix(4))).output.product == referenceProduct(matrix(4), weights))
        #expect(pool.statistics.completed == 1)
    }
}
