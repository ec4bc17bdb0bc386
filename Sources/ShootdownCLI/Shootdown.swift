import ArgumentParser
import ShootdownModel

@main
struct Shootdown: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shootdown",
        abstract: "A laboratory for TLB flush protocols: is a flush-tracking scheme correct, and what does it cost?",
        subcommands: [Demo.self, Run.self, Check.self, Replay.self, Compare.self, List.self]
    )
}

/// `--format text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Prints `message` to standard error and exits with status 2 (bad input).
func fail(_ message: String) -> ExitCode {
    var stderr = StandardError()
    print("error: \(message)", to: &stderr)
    return ExitCode(2)
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
