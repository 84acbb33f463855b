import Foundation

/// A one-line progress indicator on stderr, shown only when stderr is a terminal; error lines are
/// printed above it so they are never overwritten.
final class ProgressLine {
    private let total: Int
    private let enabled: Bool
    private var visible = false

    init(total: Int) {
        self.total = total
        enabled = total > 1 && isatty(STDERR_FILENO) == 1
    }

    /// Shows "[done/total] name".
    func update(done: Int, current: String) {
        guard enabled else { return }
        let name = current.count > 60 ? "…" + current.suffix(59) : current
        write("\r\u{1B}[2K[\(done)/\(total)] \(name)")
        visible = true
    }

    /// Prints one line to stderr (above the progress line when one is shown).
    func report(_ line: String) {
        clear()
        write(line + "\n")
    }

    /// Removes the progress line.
    func clear() {
        guard visible else { return }
        write("\r\u{1B}[2K")
        visible = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
