import Dispatch

/// How a kernel's work is split over threads: one rule for every layer step that runs on several.
enum ParallelParts {
    /// Runs `body(first, end)` on min(parts, count) (at least one) consecutive, disjoint ranges that
    /// cover 0..<count, concurrently when there are several.
    static func run(_ count: Int, parts wanted: Int, _ body: @escaping @Sendable (_ first: Int, _ end: Int) -> Void) {
        let parts = max(1, min(wanted, count))
        let part: @Sendable (Int) -> Void = { part in body(count * part / parts, count * (part + 1) / parts) }
        if parts == 1 { part(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: part) }
    }
}
