import Testing

@testable import ShootdownModel

/// ``World/performFusingMovers(_:)``, step by step (``MoverTests`` in the checker's tests holds
/// the search with it to the same verdicts).
@Suite struct WorldMoverTests {
    /// Lipton's side conditions, at every state a breadth-first search of three built-in scenarios
    /// reaches (up to 20,000 each): between the steps of a fused action the CPU takes no IPI that it
    /// could not take before the action (a step that turns interrupts on ends the action, as a
    /// local `flush_tlb_func()` returning into a completed wait does) and is never preemptible;
    /// the steps, replayed one an action, reach the fused action's state; and an action that
    /// stopped before a blocked step has the lock it waits on in its footprint.
    @Test func fusedActionsKeepInterruptAndPreemptionPoints() throws {
        var fused = 0
        var stoppedAtWait = 0
        // fork-cow: fork takes both mms' mmap_lock, and waits for the child's.
        for name in ["concurrent-flushes", "mremap-migrate", "fork-cow"] {
            try explore(name, fused: &fused, stoppedAtWait: &stoppedAtWait)
        }
        #expect(fused > 1000 && stoppedAtWait > 10)
    }

    /// ``fusedActionsKeepInterruptAndPreemptionPoints()`` on one scenario.
    func explore(_ name: String, fused: inout Int, stoppedAtWait: inout Int) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        var queue = [World(scenario: scenario, scheme: LinuxScheme())]
        var seen = Set<UInt64>()
        var actions: [Action] = []
        while let world = queue.popLast(), seen.count < 20_000 {
            var hasher = StableHasher()
            world.fingerprint(into: &hasher)
            guard seen.insert(hasher.value).inserted, !world.hasViolation else { continue }
            actions.removeAll()
            world.enabledActions(into: &actions)
            for action in actions {
                var whole = world
                let extra = whole.performFusingMovers(action)
                var single = world
                var lock = single.lockWaitedOn(action.cpu)
                var held = lock.map(single.holders) ?? 0
                single.performEnabled(action)
                for _ in 0..<extra {
                    #expect(!single.canInterrupt(action.cpu) || world.canInterrupt(action.cpu), "\(action)")
                    #expect(!single.canPreempt(action.cpu))
                    lock = single.lockWaitedOn(action.cpu)
                    held = lock.map(single.holders) ?? 0
                    single.performEnabled(.step(cpu: action.cpu))
                }
                var a = StableHasher()
                whole.fingerprint(into: &a)
                var b = StableHasher()
                single.fingerprint(into: &b)
                #expect(a.value == b.value)
                if extra > 0 { fused += 1 }
                let lastMoved =
                    action == .step(cpu: action.cpu)
                    && single.isRightMover(
                        single.footprint, cpu: action.cpu,
                        acquired: lock.flatMap { single.holders($0) > held ? $0.code : nil })
                if lastMoved, !single.canStep(action.cpu), let wait = single.readiness(action.cpu).waitsOn {
                    stoppedAtWait += 1
                    #expect(whole.footprint.conflicts(with: Self.writing(wait)))
                }
                queue.append(whole)
            }
        }
    }

    /// A footprint that writes `location`.
    static func writing(_ location: Location) -> Footprint {
        var footprint = Footprint()
        footprint.add(location.code, write: true)
        return footprint
    }
}
