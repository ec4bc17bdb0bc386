import Testing

@testable import ShootdownModel

/// The ghost index lets the oracle visit only the TLBs that may hold a page or a frame; it must
/// mark exactly the entries a visit of every TLB marks. Two worlds, one with the index, run the
/// same random schedules of every built-in scenario, and their states (TLB entries and their
/// revocation marks included) must agree after every action.
@Suite struct GhostIndexTests {
    @Test(arguments: BuiltinScenarios.names)
    func indexedWorldsMarkTheSameEntries(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        func check<S: Scheme>(_ scheme: S) {
            for seed in 0..<10 as Range<UInt64> {
                var everyTLB = World(scenario: scenario, scheme: scheme)
                var indexed = World(scenario: scenario, scheme: scheme, indexesTLBs: true)
                #expect(indexed.ghostIndex != nil)
                var random = SeededGenerator(seed: seed)
                var actions: [Action] = []
                for _ in 0..<2_000 {
                    actions.removeAll()
                    everyTLB.enabledActions(into: &actions)
                    guard !actions.isEmpty, !everyTLB.hasViolation else { break }
                    let action = actions[random.next(below: actions.count)]
                    everyTLB.perform(action)
                    indexed.perform(action)
                    guard everyTLB.state == indexed.state, everyTLB.violation == indexed.violation else {
                        Issue.record("\(name) under \(scheme.name), seed \(seed): differ after \(action)")
                        return
                    }
                }
            }
        }
        check(LinuxScheme())
        check(LinuxScheme(mutation: .noIPI))
        check(RingScheme())
        check(OracleScheme(.hardware))
        check(OracleScheme(.software))
    }

    @Test func aLookThatFindsNothingForgetsTheCPU() throws {
        var index = try #require(GhostIndex(addressSpaces: 2, pagesPerAddressSpace: 8, frames: 16))
        index.noteFill(cpu: 3, mm: 1, page: 5, frame: 9)
        index.noteFill(cpu: 7, mm: 1, page: 6, frame: 9)
        #expect(Array(index.cpus(mm: 1, pages: 4..<7)) == [3, 7])
        #expect(Array(index.cpus(mm: 0, pages: 0..<8)).isEmpty)
        #expect(Array(index.cpus(frame: 9)) == [3, 7])
        index.forget(cpu: 3, mm: 1, pages: 5..<6)
        index.forget(cpu: 7, frame: 9)
        #expect(Array(index.cpus(mm: 1, pages: 4..<7)) == [7])
        #expect(Array(index.cpus(frame: 9)) == [3])
        #expect(GhostIndex(addressSpaces: 256, pagesPerAddressSpace: 16_384, frames: 1) == nil)
    }
}
