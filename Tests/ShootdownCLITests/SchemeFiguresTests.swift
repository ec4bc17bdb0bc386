import Foundation
import ShootdownChecker
import ShootdownModel
import ShootdownReport
import ShootdownSimulator
import Testing

/// Behaviour kept across refactors of the schemes: the figures of `check` (states, transitions,
/// depth, verdict) on every built-in scenario and of `compare` (every counter) on every workload,
/// computed in-process, equal the lines `scripts/scheme-figures.sh` recorded from the binary
/// before the port (Fixtures/scheme-figures.txt).
@Suite struct SchemeFiguresTests {
    /// The recorded lines, by kind and scheme.
    static let recorded: [String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/scheme-figures.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }()

    static let checkedSchemes = [
        "linux", "rfc15-buggy", "rfc15", "ring-list", "ring-union", "oracle-hw", "oracle-sw",
        "ring-list:size=1,switch=full", "ring-union:size=2",
    ]

    static let comparedSchemes = ["linux", "rfc15-buggy", "rfc15", "ring-list", "ring-union", "ring-list:size=1"]

    @Test func everyRecordedLineIsComputed() {
        #expect(
            Self.recorded.count == Self.checkedSchemes.count * BuiltinScenarios.names.count
                + Workload.Kind.allCases.count * (Self.comparedSchemes.count + 2))
    }

    @Test(arguments: checkedSchemes)
    func checkFiguresAreKept(_ name: String) throws {
        let scheme = try SchemeCatalog.scheme(named: name)
        let computed = try BuiltinScenarios.names.map { scenario in
            let line = try scheme.accept(CheckFigures(scenario: try #require(BuiltinScenarios.named(scenario))))
            return "check \(name) \(scenario) \(line)"
        }
        let expected = Self.recorded.filter { $0.hasPrefix("check \(name) ") }
        #expect(computed == expected)
    }

    @Test(arguments: Workload.Kind.allCases)
    func compareFiguresAreKept(_ kind: Workload.Kind) throws {
        let load = Workload(kind, cpus: 8)
        let scenario = try load.scenario()
        let schemes = try (Self.comparedSchemes + OracleScheme.Kind.allCases.map(\.rawValue)).map {
            try SchemeCatalog.scheme(named: $0)
        }
        let results = try schemes.map { (scheme: $0.name, result: try $0.accept(Simulation(scenario: scenario))) }
        let oracle = try #require(results.last?.result)
        let csv = CompareReport.csv([
            CompareReport(workload: load, costModel: CostModel(), results: results, oracle: oracle)
        ])
        let computed = csv.split(separator: "\n").dropFirst().map { "compare \($0)" }
        let expected = Self.recorded.filter { $0.hasPrefix("compare \(kind.rawValue),") }
        #expect(computed == expected)
    }

    /// `states=... transitions=... depth=... pass|violation`, as the script prints it.
    struct CheckFigures: SchemeVisitor {
        let scenario: Scenario
        func visit<S: Scheme>(_ scheme: S) -> String {
            let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
            let stats = result.stats
            return "states=\(stats.states) transitions=\(stats.transitions) depth=\(stats.maxDepth) "
                + (result.violation == nil ? "pass" : "violation")
        }
    }

    struct Simulation: SchemeVisitor {
        let scenario: Scenario
        func visit<S: Scheme>(_ scheme: S) -> SimulationResult {
            Simulator(scenario: scenario, scheme: scheme, costs: CostModel()).run()
        }
    }
}
