import Foundation

/// The loop of one ``ModelPool`` worker thread: makes the worker's state once, then runs what the
/// pool has for it (its warm-up batch, then batches of queued jobs) until the pool has drained.
///
/// It reads and changes the pool's ``ModelPoolQueue`` and ``ModelPoolRoster`` with the pool's lock
/// held, waits on the pool's condition, and runs batches and resumes continuations without the lock.
struct ModelPoolWorker<Input: Sendable, Output: Sendable, WorkerState>: Sendable {
    typealias Job = ModelPoolQueue<Input, Output>.Job

    let index: Int
    let pool: ModelPool<Input, Output>
    let makeState: @Sendable (_ worker: Int) throws -> WorkerState
    let runBatch: @Sendable (_ state: inout WorkerState, _ inputs: [Input]) throws -> [Output]

    private enum Work {
        case warmUp(ModelPoolRoster<Input>.WarmUp)
        case batch([Job])
        case exit
    }

    /// The thread's body: returns when the pool has drained, or at once if the state cannot be made.
    func main() {
        var state: WorkerState
        do {
            state = try makeState(index)
        } catch {
            failedToStart(error: error)
            return
        }
        while true {
            switch nextWork() {
            case .exit:
                return
            case let .warmUp(warmUp):
                do {
                    let outputs = try runBatch(&state, warmUp.inputs)
                    guard outputs.count == warmUp.inputs.count else {
                        throw ModelPoolError.batchSizeMismatch(inputs: warmUp.inputs.count, outputs: outputs.count)
                    }
                    pool.condition.lock()
                    pool.roster.markWarmed(index)
                    pool.condition.unlock()
                    warmUp.continuation.resume()
                } catch {
                    warmUp.continuation.resume(throwing: error)
                }
            case let .batch(jobs):
                run(jobs, state: &state)
            }
        }
    }

    private func run(_ batch: [Job], state: inout WorkerState) {
        let condition = pool.condition
        // The last moment a cancelled request can still be dropped without costing inference.
        condition.lock()
        let (jobs, cancelled) = pool.queue.dropCancelled(from: batch)
        let emptied = jobs.isEmpty ? pool.queue.takeDrainWaitersIfDrained() : []
        if jobs.isEmpty { condition.broadcast() }
        condition.unlock()
        cancelled.forEach { $0.continuation.resume(throwing: CancellationError()) }
        guard !jobs.isEmpty else {
            emptied.forEach { $0.resume() }
            return
        }
        let start = ContinuousClock.now
        let outcome: Result<[Output], any Error>
        do {
            let outputs = try runBatch(&state, jobs.map(\.input))
            outcome = outputs.count == jobs.count
                ? .success(outputs)
                : .failure(ModelPoolError.batchSizeMismatch(inputs: jobs.count, outputs: outputs.count))
        } catch {
            outcome = .failure(error)
        }
        let computeTime = ContinuousClock.now - start
        condition.lock()
        pool.queue.finishBatch(size: jobs.count)
        let waiters = pool.queue.takeDrainWaitersIfDrained()
        condition.broadcast()
        condition.unlock()
        switch outcome {
        case let .success(outputs):
            for (job, output) in zip(jobs, outputs) {
                job.continuation.resume(returning: ModelPoolResult(
                    output: output, queueWait: start - job.enqueued,
                    computeTime: computeTime, batchSize: jobs.count))
            }
        case let .failure(error):
            jobs.forEach { $0.continuation.resume(throwing: error) }
        }
        waiters.forEach { $0.resume() }
    }

    /// Blocks until this worker has something to do. Takes and releases the lock itself.
    private func nextWork() -> Work {
        let condition = pool.condition
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let warmUp = pool.roster.takeWarmUp(for: index) {
                return .warmUp(warmUp)
            }
            if pool.queue.gatheringWorker == nil && !pool.queue.jobs.isEmpty {
                pool.queue.gatheringWorker = index
                gatherMore()
                let (jobs, expired) = pool.queue.takeBatch()
                pool.queue.gatheringWorker = nil
                condition.broadcast()
                if !expired.isEmpty {
                    // Resuming under the lock is safe: a continuation never runs code synchronously.
                    expired.forEach { $0.continuation.resume(throwing: ModelPoolError.deadlineExceeded) }
                }
                if !jobs.isEmpty { return .batch(jobs) }
                // Only expired jobs were taken: if that emptied a draining pool, nothing else will
                // wake its drain() callers.
                pool.queue.takeDrainWaitersIfDrained().forEach { $0.resume() }
                continue
            }
            if !pool.queue.accepting && pool.queue.jobs.isEmpty && pool.queue.gatheringWorker == nil {
                return .exit
            }
            condition.wait()
        }
    }

    /// With the lock held: waits up to the pool's `maxBatchWait` for the queue to hold a full batch.
    private func gatherMore() {
        guard pool.queue.maxBatch > 1, pool.maxBatchWait > .zero else { return }
        let until = Date(timeIntervalSinceNow: pool.maxBatchWait.seconds)
        while pool.queue.accepting && !pool.queue.jobs.isEmpty && pool.queue.jobs.count < pool.queue.maxBatch && Date() < until {
            _ = pool.condition.wait(until: until)
        }
    }

    private func failedToStart(error: any Error) {
        let failure = ModelPoolError.workerStartFailed(worker: index, reason: String(describing: error))
        let condition = pool.condition
        condition.lock()
        let warmUp = pool.roster.failedToStart(index, failure)
        // With no worker left nothing would ever take the queue: fail it now rather than at deadlines.
        let orphans = pool.roster.liveWorkers == 0 ? pool.queue.removeAll() : []
        let waiters = pool.queue.takeDrainWaitersIfDrained()
        condition.broadcast()
        condition.unlock()
        warmUp?.continuation.resume(throwing: failure)
        orphans.forEach { $0.continuation.resume(throwing: failure) }
        waiters.forEach { $0.resume() }
    }
}
