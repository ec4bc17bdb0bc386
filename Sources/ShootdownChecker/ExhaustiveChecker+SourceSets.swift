import ShootdownModel

/// Source-set DPOR over the depth-first stack (``ExhaustiveChecker/usesSourceSets``): a state
/// explores one action first, and another only when a race below it asks for it. Two steps
/// race when they conflict (``AccessMask``; two steps of one CPU always do) and no chain of
/// conflicting steps orders them (vector clocks); the earlier one's state then explores an
/// initial of the later one's reversal (Abdulla, Aronis, Jonsson and Sagonas, "Optimal dynamic
/// partial order reduction", POPL 2014, Algorithm 1). Two actions of one CPU race only when they
/// are different actions (a step and an interrupt: the CPU chose one of two); a step after a
/// step of the same CPU is its program order. A state reached again stands for its explored
/// subtree through its ``SubtreeSummary``: a step of the path that conflicts with the subtree
/// of another CPU, or whose CPU starts the subtree with another action, races with it (no
/// vector clocks there: more races than exist, never fewer). Where this model breaks the
/// algorithm's assumptions (steps that change nothing, a CPU's choice of an interrupt or a
/// preemption over its step, locks ordered by their unlock) the search explores more, never less:
/// docs/checker.md, "Source sets".
extension ExhaustiveChecker {
    /// The step `action` from the top frame, which touched `mask`: adds the backtrack points of
    /// its races along the stack (and, for an interrupt or a preemption, of the choice it was)
    /// and returns it with its vector clock.
    func analyzeRaces(
        _ stack: inout [Frame], _ events: [Event], action: Action, mask: AccessMask, locks: UInt64
    ) -> Event {
        let n = stack.count - 1
        let q = action.cpu
        var clock = InlineArray<5, Int16>(repeating: -1)
        var k = n - 1
        while k >= 0 {
            let earlier = events[k]
            let p = earlier.action.cpu
            if clock[p] < Int16(k), p == q || earlier.mask.conflicts(with: mask) {
                if earlier.action != action {
                    addRace(&stack, events, at: k, with: action, index: n)
                }
                for cpu in clock.indices { clock[cpu] = max(clock[cpu], earlier.clock[cpu]) }
            } else if p != q, earlier.mask.restricted(to: locks).conflicts(with: mask.restricted(to: locks)) {
                // Both took a lock: the other CPU could have taken it first, whatever ordered
                // them since (its unlock, which this step waited for).
                addRace(&stack, events, at: k, with: action, index: n)
            }
            k -= 1
        }
        if !action.isStep {
            // The CPU chose an interrupt or a preemption over its step, which then runs later,
            // perhaps differently (past an event signalled meanwhile): another program order of
            // its own steps, which no race between two steps shows. The step is explored here
            // too; if it cannot be (blocked, or asleep: explored before on a path where it ran
            // first, not later), every action of the state is.
            let step = Action.step(cpu: q)
            if stack[n].enabled.contains(step), !stack[n].skip.contains(step) {
                stack[n].backtrack.insert(step)
            } else {
                stack[n].backtrack.bits |= stack[n].enabled.bits
            }
            // And it could have come between any two steps of its CPU since the last one: each
            // of them races with it, whatever orders them now.
            var k = n - 1
            while k >= 0 {
                let earlier = events[k].action
                if earlier.cpu == q {
                    if !earlier.isStep { break }
                    addRace(&stack, events, at: k, with: action, index: n)
                }
                k -= 1
            }
        }
        clock[q] = Int16(n)
        return Event(action: action, mask: mask, clock: clock)
    }

    /// The step `event` from the top frame reached a state seen before, whose explored subtree
    /// `summary` describes: adds the backtrack points of the races between the path (with
    /// `event`) and that subtree. A step `k` of CPU `p` races with the subtree when another CPU
    /// whose steps on the path after `k` do not happen after it touches there what `k`
    /// conflicts with, or when `p` has no step on the path after `k` and starts the subtree with
    /// another action than `k`'s. The reversal starts with the first step after `k` on the path
    /// that does not happen after `k`; if there is none, with the first step in the subtree of
    /// a CPU that has no step on the path after `k`: each of those CPUs' actions is explored.
    func analyzeRaces(_ stack: inout [Frame], _ events: [Event], event: Event, summary: SubtreeSummary, locks: UInt64) {
        let n = stack.count - 1
        func step(_ j: Int) -> Event { j == n ? event : events[j] }
        // Each CPU's last step on the path after `k`, or -1.
        var last = InlineArray<5, Int16>(repeating: -1)
        // Each CPU's last interrupt or preemption on the path after `k`, or -1.
        var lastChoice = InlineArray<5, Int16>(repeating: -1)
        var k = n
        while k >= 0 {
            let current = step(k)
            let p = current.action.cpu
            var races = summary.isUnknown
            var starts = ActionSet()
            for r in 0..<scenario.cpuCount where r != p {
                if last[r] >= 0, step(Int(last[r])).clock[p] >= Int16(k) {
                    // Its steps below happen after `k`, but a lock both take could go the other
                    // way: then any action of the state may start the reversal.
                    let lock = current.mask.restricted(to: locks)
                    if lock.conflicts(with: summary.mask(of: r).restricted(to: locks)) {
                        races = true
                        starts = stack[k].enabled
                    }
                    continue
                }
                if last[r] < 0, summary.isUnknown || summary.firstActions.bits & ActionSet.cpuBits(r) != 0 {
                    starts.bits |= ActionSet.cpuBits(r)
                }
                races = races || current.mask.conflicts(with: summary.mask(of: r))
            }
            if last[p] < 0, summary.firstActions.bits & ActionSet.cpuBits(p) & ~ActionSet.bit(current.action) != 0 {
                races = true
                starts.bits |= ActionSet.cpuBits(p)
            } else if last[p] < 0, summary.isUnknown {
                starts.bits |= ActionSet.cpuBits(p)
            }
            if current.action.isStep, lastChoice[p] < 0, summary.firstChoices.bits & ActionSet.cpuBits(p) != 0 {
                // An interrupt or preemption of the CPU below could have come before this step.
                races = true
                starts.bits |= ActionSet.cpuBits(p)
            }
            if races {
                if let initial = firstIndependent(of: k, in: events, last: event) {
                    insert(initial, at: k, in: &stack, reversible: false)
                } else {
                    stack[k].backtrack.bits |= stack[k].enabled.bits & starts.bits
                }
            }
            if last[p] < 0 { last[p] = Int16(k) }
            if lastChoice[p] < 0, !current.action.isStep { lastChoice[p] = Int16(k) }
            k -= 1
        }
    }

    /// A race of step `k` with the step `action` at `index`: the state before `k` explores the
    /// first step after `k` that `k` does not happen before (an initial of the reversal), or
    /// `action` itself.
    private func addRace(_ stack: inout [Frame], _ events: [Event], at k: Int, with action: Action, index n: Int) {
        let p = events[k].action.cpu
        for j in (k + 1)..<n where events[j].clock[p] < Int16(k) {
            insert(events[j].action, at: k, in: &stack, reversible: false)
            return
        }
        insert(action, at: k, in: &stack, reversible: true)
    }

    /// The first step after `k` on the path (the steps of the stack, then `last`) that step `k`
    /// does not happen before.
    private func firstIndependent(of k: Int, in events: [Event], last: Event) -> Action? {
        let n = events.count
        guard k < n else { return nil }
        let p = events[k].action.cpu
        for j in (k + 1)...n {
            let step = j == n ? last : events[j]
            if step.clock[p] < Int16(k) { return step.action }
        }
        return nil
    }

    /// Asks the state at `k` to explore `action`. An action the race theory says is enabled
    /// there always is (independence covers enabling: a step waiting on a lock reads it); when
    /// it is not, the state explores every action. `reversible`: the later step of a race,
    /// which the earlier one may have enabled (then the race cannot be reversed).
    private func insert(_ action: Action, at k: Int, in stack: inout [Frame], reversible: Bool) {
        // Fields, not the frame: a frame holds a world, which a copy would retain.
        let settled = stack[k].done.bits | stack[k].backtrack.bits | stack[k].skip.bits
        if settled & ActionSet.bit(action) != 0 { return }
        let enabled = stack[k].enabled
        if enabled.contains(action) {
            stack[k].backtrack.insert(action)
        } else if !reversible {
            stack[k].backtrack.bits |= enabled.bits
        }
    }
}
