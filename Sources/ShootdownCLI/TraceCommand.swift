import ArgumentParser
import Foundation
import ShootdownReport
import ShootdownTrace

/// `shootdown trace`: real kernels' ftrace captures (docs/traces.md).
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read ftrace captures of a real kernel's TLB flushes (scripts/capture-trace.sh makes them).",
        subcommands: [Stats.self]
    )

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Count a trace's TLB flushes by reason, CPU, size and initiating path, its IPIs and early returns.",
            discussion: """
                Reads the ftrace text format: the `trace` file or `trace-cmd report` output, with or \\
                without the TGID column. Exits 0, or 2 on a file it cannot read or a malformed line \\
                (its number and what was expected), unless --lenient, which counts and skips it.

                Example:
                  shootdown trace stats Tests/Fixtures/traces/debian-6.1-tcg-4cpu-tgid.trace
                """
        )

        @Argument(help: "An ftrace text trace.")
        var file: String

        @Flag(help: "Count and skip malformed lines instead of stopping at the first.")
        var lenient = false

        @OptionGroup var output: FormatOption

        func run() throws {
            let text = try readFile(file)
            let trace: FtraceTrace
            do {
                trace = try FtraceTrace(text, lenient: lenient)
            } catch {
                throw fail("\(file):\(error.line): \(error.message) (--lenient skips such lines)")
            }
            switch output.format {
            case .json: print(JSONOutput.encode(trace.stats))
            case .text: print(TraceStatsText.render(trace.stats, file: file))
            }
        }
    }
}
