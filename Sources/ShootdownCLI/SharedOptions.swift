import ArgumentParser
import ShootdownModel
import ShootdownReport

/// `--scheme`, as `check`, `run` and `hunt` take it.
struct SchemeOption: ParsableArguments {
    @Option(
        help: "The scheme, e.g. linux, rfc15, ring-list:size=8,switch=ranged or linux~no-ipi (see `shootdown list`).")
    var scheme = "linux"

    /// The scheme named; a bad name is a validation error that says why (exit 2).
    func parsed() throws -> AnyScheme { try parseScheme(scheme) }
}

/// `--scenario`, as `check` and `run` take it.
struct ScenarioOption: ParsableArguments {
    @Option(help: "A built-in scenario name (see `shootdown list`) or a scenario file.")
    var scenario: String

    /// The built-in scenario of that name, else the file parsed; an error says why (exit 2).
    func load() throws -> Scenario { try ScenarioSource.load(scenario) }
}

/// `--format text|json`.
struct FormatOption: ParsableArguments {
    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text
}

/// `--format text|json|markdown`, as `check`, `hunt` and `replay` take it.
struct CounterexampleFormatOption: ParsableArguments {
    @Option(help: "Output format: text, json, or markdown (a counterexample to paste into a mail or an issue).")
    var format: CounterexampleFormat = .text
}

/// `--quiet`, for the commands that show a progress line.
struct ProgressOption: ParsableArguments {
    @Flag(help: "No progress line on standard error.")
    var quiet = false
}

/// `--slice` / `--full`: a counterexample's causal slice, its full timeline, or (neither flag)
/// the slice above the full timeline.
struct TimelineViewOption: ParsableArguments {
    @Flag(help: "Print only the counterexample's causal slice (the steps whose order makes the violation).")
    var slice = false

    @Flag(help: "Print only the counterexample's full timeline.")
    var full = false

    func validate() throws {
        guard !(slice && full) else {
            throw ValidationError("--slice and --full exclude each other; give one or neither")
        }
    }

    /// The view the flags ask for.
    var view: CounterexampleText.View { slice ? .slice : full ? .full : .both }
}
