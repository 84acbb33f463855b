/// Thrown by `waitFor` when its condition did not hold in time; Swift Testing records it as the
/// test's failure, with this description.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public var what: String
    public var timeout: Duration

    public var description: String { "timed out after \(timeout) waiting for \(what)" }
}

/// Polls `condition` every `interval` until it holds, and throws `WaitTimedOut` (instead of
/// hanging) once `timeout` has passed. The default bound is generous: the call returns as soon as
/// the condition holds, and other jobs may load the 2-core machine the tests run on.
public func waitFor(_ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(1),
                    _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}
