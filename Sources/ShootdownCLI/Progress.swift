import Foundation

/// A progress line on standard error, redrawn at most once a second after the first second,
/// and only when standard error is a terminal.
final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private let start = Date()
    private var last = Date.distantPast
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) != 0
    }

    func update(_ line: @autoclosure () -> String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(start) >= 1, now.timeIntervalSince(last) >= 1 else { return }
        last = now
        shown = true
        FileHandleOutput.writeToStandardError("\r\u{1B}[K\(line())")
    }

    func finish() {
        guard shown else { return }
        FileHandleOutput.writeToStandardError("\r\u{1B}[K")
    }
}
