import ShootdownModel
import Testing

@testable import ShootdownSimulator

/// After an action the simulator re-reads only the CPUs the action can have affected (those
/// whose mailbox, acknowledgements, run queue or awaited lock it wrote), from a footprint that
/// records only such writes. Re-reading every CPU after every action, with the full footprint,
/// must give the same run: a readiness input missing from the wake-ups shows up here.
@Suite struct SimulationRunTests {
    @Test(arguments: Workload.Kind.allCases)
    func targetedReReadsMatchReReadingEveryCPU(_ kind: Workload.Kind) throws {
        let scenario = try Workload(kind, cpus: 6, iterations: 3, reads: 6).scenario()
        func check<S: Scheme>(_ scheme: S) {
            let simulator = Simulator(scenario: scenario, scheme: scheme)
            let targeted = simulator.run()
            let reference = simulator.run(rereadingEveryCPU: true)
            #expect(targeted == reference, "\(kind.rawValue) under \(scheme.name)")
            #expect(targeted.events > 100 && !targeted.isStuck)
        }
        check(LinuxScheme())
        check(RingScheme())
        check(OracleScheme(.software))
    }
}
