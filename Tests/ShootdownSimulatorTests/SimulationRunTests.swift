import ShootdownModel
import Testing

@testable import ShootdownSimulator

/// After an action the simulator re-reads only the CPUs the action can have affected (those
/// whose mailbox, acknowledgements, run queue or awaited lock it wrote), from a footprint that
/// records only such writes, and the oracle visits only the TLBs its ghost index names.
/// Re-reading every CPU after every action, with the full footprint, and visiting every TLB
/// must give the same run: a readiness input missing from the wake-ups, or a CPU missing from
/// the index, shows up here (the oracles act on the ghost marks, and a mutant's violation must
/// come at the same step).
@Suite struct SimulationRunTests {
    @Test(arguments: Workload.Kind.allCases)
    func targetedReReadsMatchReReadingEveryCPU(_ kind: Workload.Kind) throws {
        let scenario = try Workload(kind, cpus: 6, iterations: 3, reads: 6).scenario()
        func check<S: Scheme>(_ scheme: S, isCorrect: Bool = true) {
            let simulator = Simulator(scenario: scenario, scheme: scheme)
            let targeted = simulator.run()
            let reference = simulator.run(rereadingEveryCPU: true)
            #expect(targeted == reference, "\(kind.rawValue) under \(scheme.name)")
            if isCorrect { #expect(targeted.events > 100 && !targeted.isStuck && targeted.violation == nil) }
        }
        check(LinuxScheme())
        check(RingScheme())
        check(OracleScheme(.software))
        check(OracleScheme(.hardware))
        check(LinuxScheme(mutation: .noIPI), isCorrect: false)
    }
}
