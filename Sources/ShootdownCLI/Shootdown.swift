import ArgumentParser
import ShootdownChecker
import ShootdownModel

@main
struct Shootdown: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shootdown",
        abstract: "A laboratory for TLB flush protocols: is a flush-tracking scheme correct, and what does it cost?",
        discussion: """
            Every command exits 0 on success, 1 when it found a violation, 2 on bad input.

            Examples:
              shootdown demo
              shootdown check --scenario seed-thread --scheme rfc15-buggy
              shootdown compare --workload tlb-flush2 --cpus 64
            """,
        version: "shootdown 0.12 (models x86-64 Linux v6.6.0)",
        subcommands: [
            Demo.self, Run.self, Check.self, Hunt.self, Merge.self, Replay.self, Compare.self, List.self, Trace.self,
        ]
    )

    /// ArgumentParser's entry point, with one change: a command line it rejects (an unknown
    /// option, a value that does not parse, a failed `validate()`) exits 2, the project's status
    /// for bad input, instead of `EX_USAGE` (64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandleOutput.writeToStandardError(fullMessage(for: error) + "\n")
            exit(withError: ExitCode(2))
        }
    }
}

extension RandomStrategy: ExpressibleByArgument {}

/// `--format text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--format text|json|markdown`, for the commands that print a counterexample.
enum CounterexampleFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// Prints `message` to standard error and exits with status 2 (bad input).
func fail(_ message: String) -> ExitCode {
    var stderr = StandardError()
    print("error: \(message)", to: &stderr)
    return ExitCode(2)
}

/// The text of the file `file`, or a failure (exit 2) that says why it cannot be read.
func readFile(_ file: String) throws -> String {
    let text: String?
    do {
        text = try FileHandleOutput.read(file)
    } catch {
        throw fail("cannot read '\(file)': \(error.localizedDescription)")
    }
    guard let text else { throw fail("cannot read '\(file)': no such file") }
    return text
}

/// Parses `--scheme`, or fails with the message that names the problem.
func parseScheme(_ name: String) throws -> AnyScheme {
    do {
        return try SchemeCatalog.scheme(named: name)
    } catch {
        throw fail(error.description)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.writeToStandardError(string)
    }
}
