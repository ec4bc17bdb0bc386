import ArgumentParser
import ShootdownModel
import ShootdownReport
import ShootdownSimulator

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a standard workload under each scheme and the oracles, with a cost model, and compare.",
        discussion: """
            Every figure is deterministic for the same arguments. Exits 0, or 1 when a scheme let a \
            CPU use a stale translation, 2 on bad input.
            """
    )

    @Option(help: "The workload: \(Workload.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workload: String

    @Option(help: "CPUs, one thread each (1-64).")
    var cpus = 16

    @Option(help: "Schemes to compare, comma-separated; oracle-sw and oracle-hw are always added.")
    var schemes = "linux,rfc15,ring-list"

    @Option(help: "Rounds of the workload's loop per thread.")
    var iterations = 20

    @Option(help: "Pages each thread writes and zaps a round.")
    var pages = 8

    @Option(help: "Data pages each thread reads a round.")
    var reads = 16

    @Option(help: "Seed of the access streams.")
    var seed: UInt64 = 0

    @Option(help: "A JSON file of cycle costs overriding the defaults (see README).")
    var costModel: String?

    @Option(help: "Output format: text, json or csv.")
    var format: CompareFormat = .text

    enum CompareFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    func run() throws {
        guard let kind = Workload.Kind(rawValue: workload) else {
            throw fail(
                "unknown workload '\(workload)'; known workloads: "
                    + Workload.Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let load = Workload(kind, cpus: cpus, iterations: iterations, pages: pages, reads: reads, seed: seed)
        let scenario: Scenario
        do {
            scenario = try load.scenario()
        } catch {
            throw fail("\(error)")
        }
        var costs = CostModel()
        if let costModel {
            guard let text = try FileHandleOutput.read(costModel) else {
                throw fail("cannot read cost model '\(costModel)': no such file")
            }
            do {
                costs = try CostModel.parse(text, source: costModel)
            } catch {
                throw fail(error.description)
            }
        }
        var parsed: [AnyScheme] = []
        for name in schemes.split(separator: ",").map(String.init) {
            parsed.append(try parseScheme(name))
        }
        for oracle in OracleScheme.Kind.allCases where !parsed.contains(.oracle(OracleScheme(oracle))) {
            parsed.append(.oracle(OracleScheme(oracle)))
        }
        let results = parsed.map { scheme in
            (scheme: scheme.name, result: simulate(scheme, scenario, costs))
        }
        let oracle = results.first { $0.scheme == OracleScheme.Kind.software.rawValue }!.result
        let report = CompareReport(workload: load, results: results, oracle: oracle)
        switch format {
        case .text: print(report.text())
        case .json: print(report.json())
        case .csv: print(report.csv())
        }
        if report.schemes.contains(where: { $0.violation != nil }) { throw ExitCode(1) }
    }

    func simulate(_ scheme: AnyScheme, _ scenario: Scenario, _ costs: CostModel) -> SimulationResult {
        switch scheme {
        case .linux(let scheme): Simulator(scenario: scenario, scheme: scheme, costs: costs).run()
        case .ring(let scheme): Simulator(scenario: scenario, scheme: scheme, costs: costs).run()
        case .oracle(let scheme): Simulator(scenario: scenario, scheme: scheme, costs: costs).run()
        }
    }
}
