/// A whole ftrace text trace, parsed.
public struct FtraceTrace: Sendable {
    /// The event lines, in file order.
    public var lines: [FtraceLine]
    /// Lines in the file.
    public var total: Int
    /// Malformed lines skipped (only with `lenient`).
    public var skipped: [FtraceError]

    /// Parses `text`: comments, blank lines and buffer notes are left out; a malformed line is an
    /// error, or with `lenient` counted and skipped.
    /// - Throws: ``FtraceError`` for the first malformed line, unless `lenient`.
    public init(_ text: String, lenient: Bool = false) throws(FtraceError) {
        lines = []
        skipped = []
        total = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            total += 1
            do {
                if let parsed = try FtraceLine.parse(line, number: total) { lines.append(parsed) }
            } catch {
                guard lenient else { throw error }
                skipped.append(error)
            }
        }
        if text.hasSuffix("\n") { total -= 1 }
    }

    /// The trace's statistics.
    public var stats: TraceStats { TraceStats(lines, total: total, skipped: skipped.count) }
}
