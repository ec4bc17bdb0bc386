import ArgumentParser
import ShootdownModel
import ShootdownReport
import ShootdownSimulator

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the built-in scenarios, the schemes, the mutants and the workloads of `compare`.")

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

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
        switch format {
        case .json:
            print(JSONOutput.encode(listing))
        case .text:
            print("Scenarios:")
            for name in BuiltinScenarios.names {
                let summary = BuiltinScenarios.named(name)?.summary ?? ""
                print("  \(name.padding(toLength: 16, withPad: " ", startingAt: 0))\(summary)")
            }
            print("Schemes:\n  " + SchemeCatalog.schemes.joined(separator: "\n  "))
            print("Mutants:\n  " + SchemeCatalog.mutants.joined(separator: "\n  "))
            print("Workloads (shootdown compare):")
            for kind in Workload.Kind.allCases {
                let summary = Workload(kind, cpus: 16).summary
                print("  \(kind.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0))\(summary)")
            }
        }
    }
}
