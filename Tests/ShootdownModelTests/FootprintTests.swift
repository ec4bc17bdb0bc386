import Testing

@testable import ShootdownModel

/// What two steps' footprints say about their order: a write conflicts with every access to its
/// location, two reads never do, and two commutative updates (acknowledgements counted down)
/// neither, though an update still conflicts with a read of the count.
@Suite struct FootprintTests {
    static let acks = Location.acks(cpu: 0).code
    static let page = Location.page(mm: 0, page: 1).code

    func footprint(_ accesses: [(UInt32, write: Bool, update: Bool)]) -> Footprint {
        var footprint = Footprint()
        for access in accesses { footprint.add(access.0, write: access.write, update: access.update) }
        return footprint
    }

    @Test func updatesCommuteWithUpdatesOnly() {
        let ack = footprint([(Self.acks, true, true)])
        let otherAck = footprint([(Self.acks, true, true)])
        let wait = footprint([(Self.acks, false, false)])
        let store = footprint([(Self.acks, true, false)])
        #expect(!ack.conflicts(with: otherAck))
        #expect(ack.conflicts(with: wait) && wait.conflicts(with: ack))
        #expect(ack.conflicts(with: store))
        #expect(!wait.conflicts(with: footprint([(Self.acks, false, false)])))
        #expect(!ack.conflicts(with: footprint([(Self.page, true, false)])))
    }

    /// A step that reads the count it updates, or writes it plainly too, made an ordinary write.
    @Test func anUpdateMixedWithAnotherAccessIsAWrite() {
        let otherAck = footprint([(Self.acks, true, true)])
        #expect(footprint([(Self.acks, false, false), (Self.acks, true, true)]).conflicts(with: otherAck))
        #expect(footprint([(Self.acks, true, true), (Self.acks, false, false)]).conflicts(with: otherAck))
        #expect(footprint([(Self.acks, true, true), (Self.acks, true, false)]).conflicts(with: otherAck))
        #expect(!footprint([(Self.acks, true, true), (Self.acks, true, true)]).conflicts(with: otherAck))
    }

    /// As the model records them: the targets' acknowledgements of one flush commute with each
    /// other and with the initiator's IPIs, and conflict with the initiator's wait for them.
    @Test func acknowledgementsOfOneFlushCommute() throws {
        let scenario = try ScenarioFormat.parse(
            """
            cpus 3
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              wait a; wait b; madvise 0; signal done
            thread t1 mm=A cpu=1
              write 0; signal a; spin done
            thread t2 mm=A cpu=2
              write 0; signal b; spin done
            """, source: "two targets")
        var world = World(scenario: scenario, scheme: LinuxScheme())
        let schedule = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin).schedule
        var updates: [(cpu: Int, footprint: Footprint)] = []
        var waits: [Footprint] = []
        for action in schedule {
            world.performEnabled(action)
            world.footprint.forEachAccess { code, write, update in
                guard Location.Kind.of(code) == Location.Kind.acks else { return }
                if update {
                    updates.append((action.cpu, world.footprint))
                } else if !write {
                    waits.append(world.footprint)
                }
            }
        }
        let acks = updates.filter { $0.cpu != 0 }
        #expect(acks.count >= 2)
        for a in updates {
            for b in updates where a.cpu != b.cpu { #expect(!a.footprint.conflicts(with: b.footprint)) }
        }
        #expect(!waits.isEmpty)
        for wait in waits { for a in acks { #expect(wait.conflicts(with: a.footprint)) } }
    }

    /// What the partial-order reduction relies on, checked step by step: at every state a
    /// depth-first search reaches (up to 3,000 a scenario) of every built-in scenario, and of 60
    /// generated ones of up to four CPUs (up to 1,000), under every scheme and mutant, two
    /// actions of different CPUs whose footprints do not conflict commute. Each stays enabled
    /// after the other, does the same there (the same footprint), and the two orders reach the
    /// same state. A step that reads or writes what its footprint does not say fails this.
    /// Not under the oracles, which read other CPUs' TLB entries (the checker runs them without
    /// sleep sets).
    @Test(arguments: SchemeCatalog.schemes + SchemeCatalog.mutants)
    func actionsWhoseFootprintsDoNotConflictCommute(_ schemeName: String) throws {
        struct Check: SchemeVisitor {
            func visit<S: Scheme>(_ scheme: S) throws -> Int? {
                guard !S.readsTLBEntries else { return nil }
                let generator = ScenarioGenerator(scope: .init(maxCPUs: 4, maxOperations: 4))
                let searches =
                    try BuiltinScenarios.names.map { (try #require(BuiltinScenarios.named($0)), 3_000) }
                    + (0..<UInt64(60)).map { (generator.scenario(seed: $0), 1_000) }
                var pairs = 0
                for (scenario, limit) in searches {
                    let label = "\(scenario.name) \(scheme.name)"
                    WorldMoverTests.forEachState(from: World(scenario: scenario, scheme: scheme), limit: limit) {
                        world, action in
                        var after = world
                        after.performEnabled(action)
                        pairs += FootprintTests.expectCommuting(world, action, after, label)
                        return after
                    }
                }
                return pairs
            }
        }
        let pairs = try SchemeCatalog.scheme(named: schemeName).accept(Check())
        #expect(pairs == nil || pairs! > 10_000)
    }

    /// ``actionsWhoseFootprintsDoNotConflictCommute(_:)`` at `world` for `action` (which led to
    /// `after`) and each enabled action of a CPU numbered higher: how many pairs it compared.
    static func expectCommuting<S: Scheme>(_ world: World<S>, _ action: Action, _ after: World<S>, _ label: String)
        -> Int
    {
        guard !after.hasViolation else { return 0 }
        var actions: [Action] = []
        world.enabledActions(into: &actions)
        var pairs = 0
        for other in actions where other.cpu > action.cpu {
            var second = world
            second.performEnabled(other)
            guard !second.hasViolation, !after.footprint.conflicts(with: second.footprint) else { continue }
            var enabled: [Action] = []
            after.enabledActions(into: &enabled)
            var enabledAfterOther: [Action] = []
            second.enabledActions(into: &enabledAfterOther)
            #expect(enabled.contains(other) && enabledAfterOther.contains(action), "\(label): \(action), \(other)")
            guard enabled.contains(other), enabledAfterOther.contains(action) else { continue }
            var ab = after
            ab.performEnabled(other)
            var ba = second
            ba.performEnabled(action)
            #expect(
                ab.footprint == second.footprint && ba.footprint == after.footprint, "\(label): \(action), \(other)")
            var h1 = StableHasher()
            ab.fingerprint(into: &h1)
            var h2 = StableHasher()
            ba.fingerprint(into: &h2)
            #expect(h1.value == h2.value && ab.hasViolation == ba.hasViolation, "\(label): \(action), \(other)")
            pairs += 1
        }
        return pairs
    }
}
