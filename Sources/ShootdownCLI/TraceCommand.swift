import ArgumentParser
import Foundation
import ShootdownModel
import ShootdownReport
import ShootdownTrace

/// `shootdown trace`: real kernels' ftrace captures (docs/traces.md).
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read ftrace captures of a real kernel's TLB flushes (scripts/capture-trace.sh makes them).",
        subcommands: [Stats.self, Validate.self, WhatIf.self]
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
            let trace = try readTrace(file, lenient: lenient)
            switch output.format {
            case .json: print(JSONOutput.encode(trace.stats))
            case .text: print(TraceStatsText.render(trace.stats, file: file))
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a trace's switches and flushes through the model and compare, flush by flush.",
            discussion: """
                Reconstructs from the trace which task runs where, which mm each belongs to (the TGID \
                column) and every flush_tlb_mm_range() call, replays them in the trace's order through \
                the model's switch_mm_irqs_off(), flush_tlb_mm_range() and flush_tlb_func(), and compares \
                each flush's path (flush_tlb_multi, local only, none), the CPUs that ran flush_tlb_func() \
                for it and each one's outcome (ranged N, full, early return, left lazy mode), and whether \
                each context switch flushed. Prints the agreement by initiating path, each disagreement \
                with its trace line, and what was assumed. Exits 0, or 2 on a trace it cannot use (no \
                TGID column, no tlb_flush events, no function tracer).

                Example:
                  shootdown trace validate Tests/Fixtures/traces/debian-6.1-tcg-4cpu-tgid.trace
                """
        )

        @Argument(help: "An ftrace text trace with the TGID column and the function tracer (scripts/capture-trace.sh).")
        var file: String

        @Option(help: "The scheme to replay under (the kernel the trace came from: linux).")
        var scheme = "linux"

        @Flag(help: "Count and skip malformed lines instead of stopping at the first.")
        var lenient = false

        @Flag(help: "List every disagreement (text; JSON always has them all).")
        var all = false

        @Option(
            help: "on or off: whether the traced machine had PCID, where the trace cannot tell (default: as it tells).")
        var pcid: Compare.OnOff?

        @Option(
            help: ArgumentHelp(
                "Print the model's steps for the flush or switch at this trace line (a flush_tlb_mm_range or sched_switch).",
                valueName: "LINE"))
        var at: Int?

        @OptionGroup var output: FormatOption

        func run() throws {
            let scheme = try parseScheme(scheme)
            let workload = try readWorkload(file, lenient: lenient, hasPCID: pcid.map { $0 == .on })
            let validation = try scheme.accept(Validator(workload: workload, line: at))
            switch output.format {
            case .json: print(JSONOutput.encode(validation))
            case .text: print(TraceValidationText.render(validation, file: file, limit: all ? nil : 20))
            }
        }
    }
}

extension Trace {
    struct WhatIf: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whatif",
            abstract: "Replay a trace's switches and flushes under other schemes and compare their flushing.",
            discussion: """
                Reconstructs the trace's workload as `trace validate` does and replays it, in the \
                trace's order, under each scheme: the IPIs, full and ranged flushes, pages invalidated, \
                ring slots read and switch flushes each would have done, and the cycles the cost model \
                prices them at, each as a ratio to the first scheme's. The trace has no user accesses, \
                so refills are not counted. Exits 0, or 2 on a trace it cannot use or a bad scheme.

                Example:
                  shootdown trace whatif Tests/Fixtures/traces/debian-6.1-tcg-4cpu-mixed.trace \
                    --schemes linux,rfc15,ring-list,linux-6.14
                """
        )

        @Argument(help: "An ftrace text trace with the TGID column and the function tracer (scripts/capture-trace.sh).")
        var file: String

        @Option(help: "Schemes, comma-separated; the first is the baseline of the ratios.")
        var schemes = "linux,rfc15,ring-list,linux-6.14"

        @Option(help: "on or off: replay on a machine with or without PCID (default: as traced).")
        var pcid: Compare.OnOff?

        @Option(help: "on: the machine has INVLPGB (linux-6.15 uses it; needs PCID).")
        var invlpgb: Compare.OnOff = .off

        @Option(help: "A JSON file of cycle costs overriding the defaults (see README).")
        var costModel: String?

        @Flag(help: "Count and skip malformed lines instead of stopping at the first.")
        var lenient = false

        @Option(help: "Output format: text, json or csv.")
        var format: Compare.CompareFormat = .text

        @Option(help: "Write an SVG bar chart of the schemes' figures.")
        var svg: String?

        func run() throws {
            let parsed = try schemes.split(separator: ",").map { try parseScheme(String($0)) }
            guard !parsed.isEmpty else { throw fail("--schemes names no scheme; e.g. --schemes linux,ring-list") }
            let costs = try readCostModel(costModel)
            let workload = try readWorkload(file, lenient: lenient)
            let hasPCID = pcid.map { $0 == .on } ?? workload.hasPCID
            if invlpgb == .on, !hasPCID {
                throw fail("--invlpgb on needs PCID (global ASIDs are PCIDs); add --pcid on")
            }
            let replay = Replay(workload: workload, hasPCID: hasPCID, hasINVLPGB: invlpgb == .on)
            // The kernel's own row last: what the trace shows it did.
            let results =
                try parsed.map { (scheme: $0.name, counters: try $0.accept(replay)) }
                + [(scheme: TraceWhatIfReport.tracedRow, counters: workload.traced)]
            let report = TraceWhatIfReport(
                trace: file, cpus: workload.cpus, flushes: TraceWhatIf.flushRequests(workload), pcid: hasPCID,
                invlpgb: invlpgb == .on, costModel: costs, results: results)
            switch format {
            case .text: print(report.text())
            case .json: print(report.json())
            case .csv: print(report.csv())
            }
            if let svg { try write(report.barChart(), to: svg) }
        }
    }

    /// Replays a trace's workload under a scheme (``TraceWhatIf``).
    struct Replay: SchemeVisitor {
        let workload: TraceWorkload
        let hasPCID: Bool
        let hasINVLPGB: Bool
        func visit<S: Scheme>(_ scheme: S) -> Counters {
            TraceWhatIf.counters(workload, scheme: scheme, hasPCID: hasPCID, hasINVLPGB: hasINVLPGB)
        }
    }
}

/// Replays a trace's workload under a scheme and compares (``TraceValidation``).
struct Validator: SchemeVisitor {
    let workload: TraceWorkload
    let line: Int?
    func visit<S: Scheme>(_ scheme: S) -> TraceValidation { TraceValidation(workload, scheme: scheme, showing: line) }
}

/// Reads and parses the trace `file`, or fails (exit 2) naming the line and what was expected.
func readTrace(_ file: String, lenient: Bool) throws -> FtraceTrace {
    let text = try readFile(file)
    do {
        return try FtraceTrace(text, lenient: lenient)
    } catch {
        throw fail("\(file):\(error.line): \(error.message) (--lenient skips such lines)")
    }
}

/// The workload the model replays of the trace `file`, or a failure (exit 2) that says what the
/// trace lacks.
func readWorkload(_ file: String, lenient: Bool, hasPCID: Bool? = nil) throws -> TraceWorkload {
    let trace = try readTrace(file, lenient: lenient)
    do {
        return try TraceWorkload(trace, hasPCID: hasPCID)
    } catch {
        throw fail("\(file): \(error.message)")
    }
}
