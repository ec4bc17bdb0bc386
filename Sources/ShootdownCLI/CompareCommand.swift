import ArgumentParser
import Foundation
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

    @Option(help: "CPUs, one thread each (1-256).")
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

    @Option(
        help: """
            on: the CPUs tag TLB entries with PCIDs; off: every switch to another mm flushes the \
            TLB, as on CPUs and VMs without PCID.
            """
    )
    var pcid: OnOff = .on

    @Option(
        help: """
            on (the default with --pcid on): the CPUs have AMD's INVLPGB broadcast invalidation, \
            which linux-6.15 uses for mms active on more than 3 CPUs; off: as on Intel CPUs, \
            linux-6.15 runs as linux-6.14. Other schemes ignore it.
            """
    )
    var invlpgb: OnOff?

    @Option(
        help: """
            on: transparent huge pages: the workload's address spaces map whole page tables (512 \
            pages) with VM_HUGEPAGE, so faults map huge pages, a zap of a whole one is one \
            PMD-stride flush and a zap of part of one splits it (munmap-micro's mmaps stay small).
            """
    )
    var thp: OnOff = .off

    @Option(help: "A JSON file of cycle costs overriding the defaults (see README).")
    var costModel: String?

    @Option(help: "Output format: text, json or csv.")
    var format: CompareFormat = .text

    @Option(help: "Run once per CPU count, e.g. cpus=4,8,16,32,64 (replaces --cpus).")
    var sweep: String?

    @Option(help: "Write an SVG chart: bars per scheme, or with --sweep lines over the CPU counts.")
    var svg: String?

    enum CompareFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    enum OnOff: String, ExpressibleByArgument, CaseIterable { case on, off }

    func run() throws {
        guard let kind = Workload.Kind(rawValue: workload) else {
            throw fail(
                "unknown workload '\(workload)'; known workloads: "
                    + Workload.Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let cpuCounts = try sweptCPUs()
        if invlpgb == .on, pcid == .off {
            throw fail("--invlpgb on needs --pcid on (global ASIDs are PCIDs); drop --invlpgb or use --pcid on")
        }
        let costs = try readCostModel(costModel)
        var parsed: [AnyScheme] = []
        for name in schemes.split(separator: ",").map(String.init) {
            parsed.append(try parseScheme(name))
        }
        for oracle in OracleScheme.Kind.allCases where !parsed.contains(AnyScheme(OracleScheme(oracle))) {
            parsed.append(AnyScheme(OracleScheme(oracle)))
        }
        let meter = Progress(enabled: true)
        var reports: [CompareReport] = []
        let runs = cpuCounts.count * parsed.count
        var done = 0
        for cpus in cpuCounts {
            var load = Workload(kind, cpus: cpus, iterations: iterations, pages: pages, reads: reads, seed: seed)
            load.hasPCID = pcid == .on
            load.hasINVLPGB = (invlpgb ?? pcid) == .on
            load.hasTHP = thp == .on
            let scenario: Scenario
            do {
                scenario = try load.scenario()
            } catch {
                throw fail("\(error)")
            }
            var results: [(scheme: String, result: SimulationResult)] = []
            for scheme in parsed {
                meter.update(Self.bar(done: done, of: runs) + " \(load.kind.rawValue) on \(cpus) CPUs: \(scheme.name)")
                results.append((scheme.name, try scheme.accept(Visitor(scenario: scenario, costs: costs))))
                done += 1
            }
            let oracle = results.first { $0.scheme == OracleScheme.Kind.software.rawValue }!.result
            reports.append(CompareReport(workload: load, costModel: costs, results: results, oracle: oracle))
        }
        meter.finish()
        switch format {
        case .text: print(reports.map { $0.text() }.joined(separator: "\n\n"))
        case .json:
            print(sweep == nil ? reports[0].json() : JSONOutput.encode(CompareSweep(cpus: cpuCounts, reports: reports)))
        case .csv: print(CompareReport.csv(reports))
        }
        if let svg {
            let chart = sweep == nil ? reports[0].barChart() : CompareReport.lineChart(reports)
            try write(chart, to: svg)
        }
        if reports.contains(where: { $0.schemes.contains { $0.violation != nil } }) { throw ExitCode(1) }
    }

    /// `[#####-----] 5/10`: simulations done of all.
    static func bar(done: Int, of total: Int) -> String {
        let filled = total > 0 ? done * 20 / total : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled)
            + "] \(done)/\(total)"
    }

    /// The CPU counts to run: `--sweep cpus=...`, or `--cpus`.
    func sweptCPUs() throws -> [Int] {
        guard let sweep else { return [cpus] }
        let parts = sweep.split(separator: "=", maxSplits: 1).map(String.init)
        let values = parts.count == 2 ? parts[1].split(separator: ",").compactMap { Int($0) } : []
        guard parts.count == 2, parts[0] == "cpus", !values.isEmpty,
            values.count == parts[1].split(separator: ",").count
        else {
            throw fail("--sweep takes cpus=N,N,..., e.g. cpus=4,8,16,32,64; found '\(sweep)'")
        }
        return values
    }

    /// The simulation of one scheme, with its concrete type (``AnyScheme/accept(_:)``).
    struct Visitor: SchemeVisitor {
        let scenario: Scenario
        let costs: CostModel
        func visit<S: Scheme>(_ scheme: S) -> SimulationResult {
            Simulator(scenario: scenario, scheme: scheme, costs: costs).run()
        }
    }
}

/// The cost model in `path` (`--cost-model`), or the defaults; a failure (exit 2) names the
/// file and the problem.
func readCostModel(_ path: String?) throws -> CostModel {
    guard let path else { return CostModel() }
    let contents: String?
    do {
        contents = try FileHandleOutput.read(path)
    } catch {
        throw fail("cannot read cost model '\(path)': \(error.localizedDescription)")
    }
    guard let text = contents else { throw fail("cannot read cost model '\(path)': no such file") }
    do {
        return try CostModel.parse(text, source: path)
    } catch {
        throw fail(error.description)
    }
}

/// Writes `text` to the file `path`, or fails (exit 2) naming it.
func write(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw fail("cannot write '\(path)': \(error.localizedDescription)")
    }
}
