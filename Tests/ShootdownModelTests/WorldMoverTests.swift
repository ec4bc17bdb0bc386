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
    /// stopped before a blocked step has the lock it waits on in its footprint. And the moves
    /// happen: a flush IPI runs from its delivery to its acknowledgement in one action (unless
    /// its handler leaves lazy mode, whose `switch_mm_irqs_off()` writes the cpumask), and a
    /// step that only releases a lock, only returns into a blocked wait, or touches nothing
    /// shared, joins the step before it; a spin or wait that finds its event signalled goes on
    /// into its thread's next operation.
    @Test func fusedActionsKeepInterruptAndPreemptionPoints() throws {
        var counts = Counts()
        // fork-cow: fork takes both mms' mmap_lock, and waits for the child's; frame-reuse: two
        // threads of one CPU wake from waits on one event.
        for name in ["concurrent-flushes", "mremap-migrate", "fork-cow", "lazy-sleep", "frame-reuse"] {
            try explore(name, &counts)
        }
        #expect(counts.fused > 1000 && counts.stoppedAtWait > 10)
        #expect(counts.interrupts > 100 && counts.wholeHandlers == counts.interrupts)
        #expect(counts.releasesJoined > 100 && counts.waitsJoined > 100 && counts.localsJoined > 20)
        #expect(counts.signalledWaitsJoined > 20)
    }

    /// ``performFusingMovers(_:)`` runs a step on a copy to tell whether it is a left mover only
    /// where ``World/nextStepMayMoveLeft(_:)`` says it can be: at every state a depth-first
    /// search reaches (one step an action, up to 1,500 states), of every built-in scenario under
    /// every scheme and mutant, and of 60 generated scenarios under Linux and Linux 6.15, a step
    /// that only releases a lock, only returns into a blocked wait or touches nothing shared
    /// (``World/isLeftMover(_:of:cpu:)``) starts where the innermost call's program counter says
    /// it may. A left mover it missed would not be fused: more states, the same verdicts, and
    /// this test failing.
    @Test func leftMoversStartWhereTheirProgramCounterSays() throws {
        var checked = 0
        for name in BuiltinScenarios.names {
            let scenario = try #require(BuiltinScenarios.named(name))
            for schemeName in SchemeCatalog.schemes + SchemeCatalog.mutants {
                let scheme = try SchemeCatalog.scheme(named: schemeName)
                checked += try scheme.accept(LeftMoverCheck(scenario: scenario, label: "\(name) \(schemeName)"))
            }
        }
        let generator = ScenarioGenerator(scope: .init(maxCPUs: 3, maxOperations: 3))
        for seed in 0..<UInt64(60) {
            for schemeName in ["linux", "linux-6.15"] {
                let scheme = try SchemeCatalog.scheme(named: schemeName)
                let label = "generated seed \(seed) \(schemeName)"
                checked += try scheme.accept(LeftMoverCheck(scenario: generator.scenario(seed: seed), label: label))
            }
        }
        #expect(checked > 5000)
    }

    /// ``leftMoversStartWhereTheirProgramCounterSays()`` on one scenario and scheme: how many
    /// left movers it saw.
    struct LeftMoverCheck: SchemeVisitor {
        var scenario: Scenario
        var label: String

        func visit<S: Scheme>(_ scheme: S) throws -> Int {
            var movers = 0
            WorldMoverTests.forEachState(from: World(scenario: scenario, scheme: scheme), limit: 1500) {
                world, action in
                var after = world
                after.performEnabled(action)
                if case .step(let cpu) = action, let top = world.state.cpus[cpu].stack.last,
                    after.isLeftMover(after.footprint, of: world, cpu: cpu)
                {
                    movers += 1
                    #expect(world.nextStepMayMoveLeft(cpu), "\(label): \(top)")
                }
                return after
            }
            return movers
        }
    }

    /// Depth first from `start`, each state once (told by its whole fingerprint) and without
    /// a violation, up to `limit` states: `next` takes each enabled action of each state and
    /// answers the state to go on to.
    static func forEachState<S: Scheme>(
        from start: World<S>, limit: Int, _ next: (World<S>, Action) -> World<S>
    ) {
        var queue = [start]
        var seen = Set<UInt64>()
        var actions: [Action] = []
        while let world = queue.popLast(), seen.count < limit {
            var hasher = StableHasher()
            world.fingerprint(into: &hasher)
            guard seen.insert(hasher.value).inserted, !world.hasViolation else { continue }
            actions.removeAll()
            world.enabledActions(into: &actions)
            for action in actions { queue.append(next(world, action)) }
        }
    }

    /// What ``fusedActionsKeepInterruptAndPreemptionPoints()`` counts.
    struct Counts {
        var fused = 0
        var stoppedAtWait = 0
        /// IPI deliveries to a CPU not in lazy mode, and those whose action ran the handler to
        /// its acknowledgement.
        var interrupts = 0
        var wholeHandlers = 0
        /// Fused actions whose last step, after one that was not a right mover, only released a
        /// lock, or only ran into a blocked `csd_lock_wait()`.
        var releasesJoined = 0
        var waitsJoined = 0
        /// Fused actions with a step, after one that was not a right mover, that touched nothing
        /// shared (``Footprint/isEmpty``: a lazy CPU's switch to `init_mm` in its flush IPI's
        /// handler).
        var localsJoined = 0
        /// Fused actions that began with a spin or wait finding its event signalled and went on
        /// into the thread's next operation.
        var signalledWaitsJoined = 0
    }

    /// ``fusedActionsKeepInterruptAndPreemptionPoints()`` on one scenario.
    func explore(_ name: String, _ counts: inout Counts) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        Self.forEachState(from: World(scenario: scenario, scheme: LinuxScheme()), limit: 20_000) { world, action in
            var whole = world
            let extra = whole.performFusingMovers(action)
            var single = world
            var lock = single.lockWaitedOn(action.cpu)
            var held = lock.map(single.holders) ?? 0
            single.performEnabled(action)
            let endedSignalledWait =
                action == .step(cpu: action.cpu) && single.state.cpus[action.cpu].stack.isEmpty
                && single.endedSignalledWait(single.footprint, cpu: action.cpu)
            // Whether the step before the last was a right mover (an IPI's delivery is one).
            var wasRight = true
            var isRight = action != .step(cpu: action.cpu) || Self.movedRight(single, action.cpu, lock, held)
            var beforeLast = single
            // Once a step that is not a right mover ran, the others are left movers.
            var committed = !isRight
            var joinedLocal = false
            for _ in 0..<extra {
                #expect(!single.canInterrupt(action.cpu) || world.canInterrupt(action.cpu), "\(action)")
                #expect(!single.canPreempt(action.cpu))
                lock = single.lockWaitedOn(action.cpu)
                held = lock.map(single.holders) ?? 0
                beforeLast = single
                single.performEnabled(.step(cpu: action.cpu))
                if committed, single.footprint.isEmpty { joinedLocal = true }
                wasRight = isRight
                isRight = Self.movedRight(single, action.cpu, lock, held)
                if !isRight { committed = true }
            }
            if joinedLocal { counts.localsJoined += 1 }
            if extra > 0, endedSignalledWait { counts.signalledWaitsJoined += 1 }
            // A left mover after the step that was not a right mover.
            if extra > 0, !wasRight, single.isRelease(single.footprint, of: beforeLast) {
                counts.releasesJoined += 1
            }
            if extra > 0, !wasRight, single.ranIntoWait(single.footprint, cpu: action.cpu) {
                counts.waitsJoined += 1
            }
            if action == .interrupt(cpu: action.cpu), !world.state.cpus[action.cpu].tlbState.isLazy {
                counts.interrupts += 1
                if whole.state.cpus[action.cpu].stack.count == world.state.cpus[action.cpu].stack.count {
                    counts.wholeHandlers += 1
                }
            }
            var a = StableHasher()
            whole.fingerprint(into: &a)
            var b = StableHasher()
            single.fingerprint(into: &b)
            #expect(a.value == b.value)
            if extra > 0 { counts.fused += 1 }
            let lastMoved = action == .step(cpu: action.cpu) && isRight
            if lastMoved, !single.canStep(action.cpu), let wait = single.readiness(action.cpu).waitsOn {
                counts.stoppedAtWait += 1
                #expect(whole.footprint.conflicts(with: Self.writing(wait)))
            }
            return whole
        }
    }

    /// A footprint that writes `location`.
    static func writing(_ location: Location) -> Footprint {
        var footprint = Footprint()
        footprint.add(location.code, write: true)
        return footprint
    }

    /// Whether the step `world` just ran on `cpu`, which waited on `lock` (held by `held`
    /// before it), is a right mover (``World/isRightMover(_:cpu:acquired:)``).
    static func movedRight(_ world: World<LinuxScheme>, _ cpu: Int, _ lock: Location?, _ held: Int) -> Bool {
        world.isRightMover(world.footprint, cpu: cpu, acquired: world.acquisition(of: lock, heldBefore: held))
    }
}
