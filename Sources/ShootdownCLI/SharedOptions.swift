import ArgumentParser
import Foundation
import ShootdownChecker
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

/// `--html FILE`: the counterexample also as a self-contained page (``CounterexampleHTML``), as
/// `check`, `replay`, `run` and `hunt` take it.
struct HTMLOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Also write the counterexample as a self-contained HTML page (a swimlane per CPU, the slice "
                + "highlighted, the stale entry's life, each step's reads and writes on a click).",
            valueName: "FILE"))
    var html: String?

    func validate() throws {
        guard let html else { return }
        let directory = (html as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard directory.isEmpty || FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue || directory.isEmpty
        else {
            throw ValidationError("--html \(html): the directory '\(directory)' does not exist; create it first")
        }
    }

    /// Writes `example`'s page to the `--html` file, if one was given; without a counterexample,
    /// says so on standard error and writes nothing.
    func write(_ example: Counterexample?, cpus: Int) throws {
        guard let html else { return }
        guard let example else {
            var stderr = StandardError()
            print("note: no counterexample, so no page written to \(html)", to: &stderr)
            return
        }
        do {
            try CounterexampleHTML.page(example, cpus: cpus).write(toFile: html, atomically: true, encoding: .utf8)
        } catch {
            throw fail("cannot write the page to '\(html)': \(error.localizedDescription)")
        }
    }
}
