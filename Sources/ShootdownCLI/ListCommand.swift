import ArgumentParser
import ShootdownModel
import ShootdownReport
import ShootdownSimulator

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the built-in scenarios, the schemes, the mutants and the workloads of `compare`.")

    @OptionGroup var output: FormatOption

    struct Listing: Codable {
        var scenarios: [String]
        var schemes: [String]
        var mutants: [String]
        var workloads: [String]
    }

    func run() {
        let listing = Listing(
            scenarios: BuiltinScenarios.names, schemes: SchemeCatalog.schemes, mutants: SchemeCatalog.mutants,
            workloads: Workload.Kind.allCases.map(\.rawValue))
        switch output.format {
        case .json:
            print(JSONOutput.encode(listing))
        case .text:
            print("Scenarios:")
            let scenarios = BuiltinScenarios.names.map { ($0, BuiltinScenarios.named($0)?.summary ?? "") }
            print(Self.columns(scenarios))
            print("Schemes:")
            print(Self.columns(SchemeCatalog.listing.map { ($0.name, $0.summary) }))
            print("Mutants:\n  " + SchemeCatalog.mutants.joined(separator: "\n  "))
            print("Workloads (shootdown compare):")
            print(Self.columns(Workload.Kind.allCases.map { ($0.rawValue, Workload($0, cpus: 16).summary) }))
        }
    }

    /// `  name  summary` lines, the summaries aligned two spaces after the longest name.
    static func columns(_ rows: [(name: String, summary: String)]) -> String {
        let width = (rows.map(\.name.count).max() ?? 0) + 2
        return rows.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + $0.summary }
            .joined(separator: "\n")
    }
}
