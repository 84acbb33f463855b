/// How a kernel's work is split over threads: one rule for every layer step that runs on several.
enum ParallelParts {
    /// Runs `body(first, end)` on min(parts, count) (at least one) consecutive, disjoint ranges that
    /// cover 0..<count, concurrently when there are several.
    static func run(_ count: Int, parts wanted: Int, _ body: @escaping @Sendable (_ first: Int, _ end: Int) -> Void) {
        run(count, parts: wanted, pieces: wanted, body)
    }

    /// Cuts 0..<count into min(max(pieces, parts), count) consecutive, disjoint ranges that `parts`
    /// threads take in order as each finishes its last, so that a thread slowed by something else
    /// on its core (a shared or virtual machine) leaves more of the pieces to the others instead
    /// of holding up the step. With pieces == parts, each thread runs one range; on one thread,
    /// `body(0, count)` runs once.
    static func run(_ count: Int, parts wanted: Int, pieces wantedPieces: Int,
                    _ body: @escaping @Sendable (_ first: Int, _ end: Int) -> Void) {
        let parts = max(1, min(wanted, count)), pieces = max(parts, min(wantedPieces, count))
        if parts == 1 {
            body(0, count)
        } else {
            PartHelpers.shared.run(pieces: pieces, parts: parts) { piece in
                body(count * piece / pieces, count * (piece + 1) / pieces)
            }
        }
    }
}
