import Dispatch
import ShootdownModel
import Synchronization

/// Depth-first exploration of every schedule of a scenario within bounds, with a visited set of
/// state fingerprints and sleep-set partial-order reduction (Godefroid, 1996): after exploring
/// action `a` from a state, a sibling `b` explored later puts `a` to sleep in `b`'s subtree when
/// the two commute (different CPUs, footprints without a conflict), so no interleaving of
/// independent steps is explored twice. Sleep sets prune transitions, not states: every reachable
/// state is still visited, which the soundness test checks against exploration without them.
/// A state revisited with a sleep set that is not a superset of the stored one is explored again
/// for the actions it slept on before (the fix that keeps sleep sets sound with state caching).
/// A sleeping action's footprint travels with it from the state where it was taken or carried:
/// the actions taken since wrote nothing it reads, so it would touch the same state again.
public struct ExhaustiveChecker<S: Scheme>: Sendable {
    public var scenario: Scenario
    public var scheme: S
    public var bounds: CheckBounds
    /// Whether to use sleep sets. Never under a scheme that reads other CPUs' TLB entries
    /// (``Scheme/readsTLBEntries``: `oracle-sw` asks whether a target holds a stale entry): a
    /// CPU's entries are its own state to the footprints, so they cannot say which actions of
    /// two CPUs commute there (``appliesSleepSets``).
    public var usesReduction: Bool

    /// Whether the search uses sleep sets: ``usesReduction``, unless the scheme reads other CPUs'
    /// TLB entries.
    public var appliesSleepSets: Bool { usesReduction && !S.readsTLBEntries }
    /// Whether to explore, on top of sleep sets, only a source set of each state's actions
    /// (source-set DPOR, Abdulla, Aronis, Jonsson and Sagonas, POPL 2014, with state caching:
    /// ``SubtreeSummary``): states as well as transitions are pruned. One worker, no bitstate.
    public var usesSourceSets = false
    /// Whether to run a step that moves (Lipton's reduction: a lock's acquisition, a completed
    /// wait for acknowledgements, an IPI's delivery; an acknowledgement, a lock's release) in one
    /// action with the step it moves to (``World/performFusingMovers(_:)``): the states between
    /// them are not stored.
    /// Counterexamples list every step, one an action, as the other engines replay them.
    public var fusesMovers = false
    /// Whether states that differ only in TLB entries no thread will use again are one state
    /// (``World/fingerprint(into:omitting:)``: dead-variable reduction).
    public var omitsDeadEntries = false
    /// Whether a successor's fingerprint reuses the fingerprints of the CPUs its step left
    /// unchanged (``World/fingerprintReusingCPUs(into:omitting:)``); the same fingerprints
    /// either way, so only the tests turn it off, to compare.
    var reusesCPUFingerprints = true
    /// States after which the search stops, incomplete (``ExplorationStats/isIncomplete``);
    /// `nil` for no limit. Parallel workers count theirs together, 4096 at a time.
    public var maxStates: Int?
    /// Bytes the visited states may take (the fingerprint table and the terminal states); past
    /// them the search stops, incomplete (``ExplorationStats/hitMemoryBound``), instead of the
    /// machine running out of memory. `nil` for no bound.
    public var maxMemory: Int?
    /// Asked about every 4096 new states: whether to stop now, incomplete
    /// (``ExplorationStats/wasInterrupted``), as after Ctrl-C. `nil` never stops.
    public var shouldStop: (@Sendable () -> Bool)?
    /// Workers exploring at once (``parallelRun(progress:)``); 1 searches alone.
    public var jobs = 1
    /// This search's share of the states, for a search split over machines (swarm verification's
    /// partition): shard `index` of `count` keeps the states at ``splitDepth`` whose fingerprint
    /// modulo `count` is `index - 1`, and every state above it. The shards' verdicts together
    /// are the whole search's (`shootdown merge`).
    public var shard = (index: 1, count: 1)
    /// The depth at which shards and parallel workers share out the states.
    public var splitDepth = 12
    /// Bitstate mode (``BitstateTable``): the visited states as bits of an array of this many
    /// bytes instead of fingerprints, for scenarios past memory; some states are omitted, and
    /// the result estimates how many. Sleep sets are off in it (they need the sleep set a state
    /// was explored with, which bits cannot keep), and a state is never explored twice, so the
    /// depth bound may cut states too. One worker, the whole search.
    public var bitstateBytes: Int?

    /// The most CPUs a scenario may have (the visited table keeps 16 bits of sleep set, three
    /// actions per CPU).
    public static var maxCPUs: Int { ActionSet.maxCPUs }

    public init(scenario: Scenario, scheme: S, bounds: CheckBounds = .standard, usesReduction: Bool = true) {
        precondition(scenario.cpuCount <= Self.maxCPUs, "the checker handles at most \(Self.maxCPUs) CPUs")
        self.scenario = scenario
        self.scheme = scheme
        self.bounds = bounds
        self.usesReduction = usesReduction
    }

    /// One DFS frame: a state and what is left to explore from it.
    struct Frame {
        var fingerprint: UInt64
        var preemptions: Int
        /// The state; successors are computed from it when the search takes an action. Moved
        /// out (`nil`) when the last action is taken, so that successor is made in place.
        var world: World<S>?
        /// The state's enabled actions within the preemption bound, in the order the world
        /// lists them.
        var actions: ActionList
        var next = 0
        /// Actions asleep here: explored already on a path that reaches the same states.
        var sleep: ActionSet
        /// Actions not to explore from here: the sleeping ones, and on a revisit those explored
        /// on the first visit.
        var skip: ActionSet
        /// Actions explored from here so far.
        var done = ActionSet()
        /// The action that led here.
        var via: Action?
        /// The `step` actions of ``via``'s CPU run after it in the same action (``fusesMovers``).
        var viaFused = 0
        /// The actions of ``actions``.
        var enabled = ActionSet()
        /// Source sets: the actions to explore from here (grown by races found below it).
        var backtrack = ActionSet()
        /// Source sets: the actions that led back here (a spin on an event not yet signalled).
        var loops = ActionSet()
        /// Source sets: what the steps explored below this state touched.
        var summary = SubtreeSummary()

        /// Source sets: explore the first action not skipped (races add others), and every
        /// preemption: a scheduler's choice that no race between steps asks for.
        mutating func exploreFirst() {
            if let first = actions.firstIndex(where: { !skip.contains($0) }) { backtrack.insert(actions[first]) }
            backtrack.bits |= enabled.bits & ActionSet.preemptions & ~skip.bits
        }

        /// Source sets: explore every action not skipped (a state explored again).
        mutating func exploreAllAwake() { backtrack.bits = enabled.bits & ~skip.bits }

        /// Source sets: the index of the next action to explore, if any.
        func nextInBacktrack() -> Int? {
            let left = backtrack.bits & ~done.bits & ~skip.bits
            guard left != 0 else { return nil }
            return actions.firstIndex { ActionSet.bit($0) & left != 0 }
        }
    }

    /// A step of the current path, for the source-set race analysis: its action, what it
    /// touched, and its vector clock (for each CPU, the index along the path of that CPU's last
    /// step that happens before it or is it; -1 for none).
    struct Event {
        var action: Action
        var mask: AccessMask
        var clock: InlineArray<5, Int16>
    }

    /// Explores; `progress` is called about every 4096 new states (with ``jobs`` above 1, by
    /// the first worker, with every worker's states); `onState` gets each new state's
    /// fingerprint (one worker only: not with ``jobs`` above 1).
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    public func run(
        progress: ((ExplorationStats) -> Void)? = nil, onState: ((UInt64) -> Void)? = nil
    ) -> ExhaustiveResult {
        if (jobs == 1 && shard.count == 1) || bitstateBytes != nil {
            return search(worker: nil, progress: progress, onState: onState)
        }
        return parallelRun(progress: progress)
    }

    /// ``run(progress:onState:)`` with ``jobs`` workers, or as a ``shard``. Each worker explores
    /// the states above ``splitDepth`` alone (a table of its own: they are few), keeps of the
    /// states at the split depth its shard's (fingerprint modulo the shard count) and of those its
    /// own (the fingerprint divided by the shard count, modulo ``jobs``), and shares the visited
    /// states below it (``SharedVisitedTable``): a state another worker stored is that worker's
    /// to explore, for the actions it stored it with, exactly as a state seen before on another
    /// path is in one search. Every state of the shard within the bounds is explored by some
    /// worker, so the verdict is one search's; the counts depend on the timing. A violation stops
    /// every worker, and one worker then searches the shard alone for the counterexample to
    /// report, so the violation and its schedule are the same for every number of workers.
    func parallelRun(progress: ((ExplorationStats) -> Void)?) -> ExhaustiveResult {
        let shared = SharedVisitedTable()
        let control = ParallelControl()
        let results = Mutex<[ExhaustiveResult]>([])
        let jobs = self.jobs
        let split = splitDepth
        let shard = self.shard
        // Only the first worker calls it, on its own thread.
        nonisolated(unsafe) let first = progress
        DispatchQueue.concurrentPerform(iterations: jobs) { index in
            let worker = Worker(
                shard: shard, index: index, count: jobs, splitDepth: split, shared: shared, control: control)
            let result = search(worker: worker, progress: index == 0 ? first : nil, onState: nil)
            results.withLock { $0.append(result) }
        }
        let all = results.withLock { $0 }
        if jobs > 1, all.contains(where: { $0.violation != nil }) {
            var one = self
            one.jobs = 1
            return one.run(progress: progress)
        }
        if jobs == 1 { return all[0] }
        var stats = ExplorationStats()
        var terminal = Set<UInt64>()
        for result in all {
            stats.add(result.stats)
            terminal.formUnion(result.terminalStates)
        }
        stats.bytes = shared.bytes
        var result = ExhaustiveResult(
            stats: stats, bounds: bounds, usesReduction: appliesSleepSets, violation: nil, schedule: nil,
            terminalStates: terminal, bytesPerState: stats.states == 0 ? 0 : Double(stats.bytes) / Double(stats.states))
        result.fusesMovers = all[0].fusesMovers
        result.omitsDeadEntries = all[0].omitsDeadEntries
        result.sleepSetsRefused = all[0].sleepSetsRefused
        return result
    }

    /// One worker of a parallel or sharded search: its shard, its index, the split, what the
    /// workers share.
    struct Worker {
        var shard: (index: Int, count: Int)
        var index: Int
        var count: Int
        var splitDepth: Int
        var shared: SharedVisitedTable
        var control: ParallelControl

        /// Whether a state at the split depth is this worker's: its shard's, and of those its own.
        func keeps(_ fingerprint: UInt64) -> Bool {
            let shards = UInt64(shard.count)
            return fingerprint % shards == UInt64(shard.index - 1)
                && (fingerprint / shards) % UInt64(count) == UInt64(index)
        }
    }

    /// The depth-first search, alone (`worker` `nil`) or as one worker of ``parallelRun(progress:)``.
    func search(
        worker: Worker?, progress: ((ExplorationStats) -> Void)?, onState: ((UInt64) -> Void)?
    ) -> ExhaustiveResult {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = ExplorationStats()
        var visited = VisitedTable()
        var bitstate = bitstateBytes.map { BitstateTable(bytes: $0) }
        let reduces = appliesSleepSets && bitstate == nil
        // Source sets need the summaries of the subtrees explored (one worker, no bitstate).
        let dpor = reduces && usesSourceSets && worker == nil
        var summaries = SummaryTable(cpus: dpor ? scenario.cpuCount : 0)
        var locationBits = LocationBits()
        // Source sets: the steps of the current path (`events[k]` leads from `stack[k]`).
        var events: [Event] = []
        var terminal = Set<UInt64>()
        var stack: [Frame] = []
        var violationPath: [Action]?
        var violation: Violation?
        // States at or below the split depth go to the shared table.
        let sharedDepth = worker?.splitDepth ?? Int.max

        var root = World(scenario: scenario, scheme: scheme)
        // The enabled actions of the state being expanded (one buffer for the whole search).
        var scratch: [Action] = []
        scratch.reserveCapacity(3 * scenario.cpuCount)
        // Beside each frame of `stack`, the footprints of the actions taken from it and of those
        // asleep in it (carried from its parent): `footprints[slots * depth + ActionSet bit]`,
        // kept apart so that frames stay small, no state allocates and a footprint is read
        // without copying its frame's others. Only a taken or sleeping action's slot is read.
        let slots = ActionSet.slots
        var footprints = [Footprint](repeating: Footprint(), count: 2 * slots)
        let accessed = omitsDeadEntries ? AccessedPages(scenario) : nil
        let rootFingerprint = fingerprint(&root, preemptions: 0, accessed: accessed)
        _ = visited.insert(rootFingerprint, sleep: 0, depth: 0)
        _ = bitstate?.testAndSet(rootFingerprint)
        stack.append(
            expand(
                root, fingerprint: rootFingerprint, preemptions: 0, sleep: ActionSet(), skip: ActionSet(), via: nil,
                scratch: &scratch, stats: &stats))
        if dpor { stack[0].exploreFirst() }
        stats.states = 1

        search: while !stack.isEmpty {
            let top = stack.count - 1
            let index: Int
            if dpor {
                guard let next = stack[top].nextInBacktrack() else {
                    let frame = stack.removeLast()
                    if frame.actions.isEmpty { terminal.insert(frame.fingerprint) }
                    summaries.finish(frame.fingerprint, with: frame.summary)
                    if let event = events.popLast() {
                        stack[top - 1].summary.add(event.action, event.mask, then: frame.summary)
                    }
                    continue
                }
                index = next
            } else {
                if stack[top].next == stack[top].actions.count {
                    if stack[top].actions.isEmpty { terminal.insert(stack[top].fingerprint) }
                    stack.removeLast()
                    continue
                }
                index = stack[top].next
                stack[top].next += 1
            }
            let action = stack[top].actions[index]
            if stack[top].skip.contains(action) { continue }
            var child = stack[top].world!
            if !dpor, stack[top].next == stack[top].actions.count { stack[top].world = nil }
            var fused = 0
            if fusesMovers { fused = child.performFusingMovers(action) } else { child.performEnabled(action) }
            footprints[slots * top + ActionSet.slot(action)] = child.footprint
            stats.transitions += 1
            if child.hasViolation {
                violation = child.violation
                violationPath = schedule(to: stack, then: action, fused: fused)
                worker?.control.stop.store(true, ordering: .relaxed)
                break search
            }
            let preemptions = stack[top].preemptions + (action.isPreemption ? 1 : 0)
            let childFingerprint = fingerprint(&child, preemptions: preemptions, accessed: accessed)
            let depth = stack.count
            // The table's slot for the child is most likely a cache miss: start loading it now,
            // and find the child's sleep set meanwhile (the lookup below, same branch).
            if bitstate == nil, depth < sharedDepth { visited.prefetch(childFingerprint) }
            // The child's sleep set: asleep or already explored here, and independent of `action`.
            // Each sleeper's footprint goes with it: `action` wrote nothing it reads, so it
            // would do the same from the child (no need to perform it there to find out).
            var childSleep = ActionSet()
            // The child's slots, written before it is pushed (they are free until then).
            if footprints.count < slots * (top + 2) {
                footprints.append(contentsOf: repeatElement(Footprint(), count: slots))
            }
            if reduces {
                let taken = child.footprint
                for i in 0..<stack[top].actions.count where stack[top].actions[i].cpu != action.cpu {
                    let other = stack[top].actions[i]
                    guard stack[top].sleep.contains(other) || stack[top].done.contains(other) else { continue }
                    // A step that changed nothing is never put to sleep (source sets): where its
                    // CPU would run it, the other CPUs' actions must run (it explores them).
                    if stack[top].loops.contains(other) { continue }
                    // Done here, or asleep with its footprint carried: known either way.
                    let sleeper = footprints[slots * top + ActionSet.slot(other)]
                    if !sleeper.conflicts(with: taken) {
                        childSleep.insert(other)
                        footprints[slots * (top + 1) + ActionSet.slot(other)] = sleeper
                    }
                }
            }
            stack[top].done.insert(action)
            let event =
                dpor
                ? analyzeRaces(
                    &stack, events, action: action, mask: locationBits.mask(of: child.footprint, action: action),
                    locks: locationBits.locks) : nil
            if let event, childFingerprint == stack[top].fingerprint {
                // A step that changed nothing (a spin on an event not yet signalled): every
                // execution through it is one without it, and the state goes on with the other
                // actions, explored here.
                stack[top].backtrack.bits |= stack[top].enabled.bits
                stack[top].loops.insert(action)
                stack[top].summary.add(action, event.mask, then: SubtreeSummary())
                continue
            }
            var skip = childSleep
            // A parallel worker keeps only its share of the states at the split depth.
            if let worker, depth == sharedDepth, !worker.keeps(childFingerprint) { continue }
            // Once the depth bound cut some subtree (in any worker), a state reached with more
            // depth left than it was explored with is explored again.
            let deeper = stats.depthBoundHits > 0 || worker?.control.deepened.load(ordering: .relaxed) == true
            let visit: VisitedTable.Visit =
                if bitstate != nil {
                    bitstate!.testAndSet(childFingerprint) ? .known : .new
                } else if depth < sharedDepth {
                    visited.visit(childFingerprint, sleep: childSleep.bits, depth: depth, reexploresDeeper: deeper)
                } else {
                    worker!.shared.visit(
                        childFingerprint, sleep: childSleep.bits, depth: depth, reexploresDeeper: deeper)
                }
            var summary = SubtreeSummary()
            switch visit {
            case .known:
                if let event {
                    let known = summaries.summary(of: childFingerprint) ?? .unknown
                    analyzeRaces(&stack, events, event: event, summary: known, locks: locationBits.locks)
                    stack[top].summary.add(action, event.mask, then: known)
                }
                continue
            case .again(let bits):
                skip = ActionSet(bits: bits)
                stats.revisits += 1
                if let event {
                    // Explored again below: its summary so far is part of this visit's.
                    summary = summaries.reopen(childFingerprint) ?? .unknown
                    analyzeRaces(&stack, events, event: event, summary: summary, locks: locationBits.locks)
                }
            case .new:
                onState?(childFingerprint)
                stats.states += 1
                if worker == nil, let maxStates, stats.states >= maxStates {
                    stats.isIncomplete = true
                    break search
                }
                if worker == nil, let maxMemory,
                    (bitstate?.bytes ?? visited.bytes) + terminal.count * 16 + (dpor ? summaries.bytes : 0)
                        > maxMemory
                {
                    stats.isIncomplete = true
                    stats.hitMemoryBound = true
                    break search
                }
                if stats.states % 4096 == 0 {
                    if let shouldStop, shouldStop() {
                        stats.isIncomplete = true
                        stats.wasInterrupted = true
                        break search
                    }
                    // The states and bytes of the whole search: a worker's are part of them.
                    var total = stats.states
                    var bytes =
                        (bitstate?.bytes ?? visited.bytes) + terminal.count * 16 + (dpor ? summaries.bytes : 0)
                    if let worker {
                        if worker.control.stop.load(ordering: .relaxed) { break search }
                        total = worker.control.states.add(4096, ordering: .relaxed).newValue
                        bytes = worker.shared.bytes + visited.bytes
                        // The state budget and the memory bound hold for the workers together.
                        if let maxStates, total >= maxStates {
                            stats.isIncomplete = true
                            worker.control.stop.store(true, ordering: .relaxed)
                            break search
                        }
                        if let maxMemory, worker.index == 0, bytes > maxMemory {
                            stats.isIncomplete = true
                            stats.hitMemoryBound = true
                            worker.control.stop.store(true, ordering: .relaxed)
                            break search
                        }
                    }
                    if let progress {
                        var shown = stats
                        shown.states = total
                        shown.seconds = seconds(since: start, clock)
                        shown.depth = stack.count
                        shown.bytes = bytes
                        shown.fractionDone = treePosition(stack)
                        progress(shown)
                    }
                }
            }
            if stack.count >= bounds.maxDepth {
                stats.depthBoundHits += 1
                worker?.control.deepened.store(true, ordering: .relaxed)
                if let event {
                    analyzeRaces(&stack, events, event: event, summary: .unknown, locks: locationBits.locks)
                    stack[top].summary.add(action, event.mask, then: SubtreeSummary.unknown)
                }
                continue
            }
            stack.append(
                expand(
                    consume child, fingerprint: childFingerprint, preemptions: preemptions, sleep: childSleep,
                    skip: skip, via: action, scratch: &scratch, stats: &stats))
            stack[top + 1].viaFused = fused
            if let event {
                events.append(event)
                stack[top + 1].summary = summary
                if case .again = visit { stack[top + 1].exploreAllAwake() } else { stack[top + 1].exploreFirst() }
            }
            stats.maxDepth = max(stats.maxDepth, stack.count - 1)
        }
        // A worker stopped by another's violation or memory bound did not finish.
        if let worker, violation == nil, worker.control.stop.load(ordering: .relaxed) { stats.isIncomplete = true }
        stats.seconds = seconds(since: start, clock)
        var result = ExhaustiveResult(
            stats: stats, bounds: bounds, usesReduction: reduces, violation: violation,
            schedule: violationPath, terminalStates: terminal, bytesPerState: visited.bytesPerState)
        result.bitstate = bitstate
        result.usesSourceSets = dpor
        result.fusesMovers = fusesMovers
        result.omitsDeadEntries = omitsDeadEntries && !S.readsTLBEntries
        result.sleepSetsRefused = usesReduction && !appliesSleepSets
        if let bitstate { result.bytesPerState = Double(bitstate.bytes) / Double(max(1, bitstate.count)) }
        return result
    }

    /// The schedule, one step an action, of the path to the top of `stack` and then `action`
    /// with `fused` steps of its CPU run in the same action (``fusesMovers``).
    func schedule(to stack: [Frame], then action: Action, fused: Int) -> [Action] {
        var path: [Action] = []
        func append(_ action: Action, _ fused: Int) {
            path.append(action)
            path.append(contentsOf: repeatElement(.step(cpu: action.cpu), count: fused))
        }
        for frame in stack.dropFirst() { append(frame.via!, frame.viaFused) }
        append(action, fused)
        return path
    }

    /// How far the depth-first search is through its tree, from its position: the share of the
    /// root's actions done, plus the share of the current one's that its frame has done, and so
    /// on down the stack (Knuth's estimate with every sibling subtree taken as equal). Sleep sets
    /// and states seen before make later subtrees smaller, so it runs behind and then jumps: a
    /// hint for a progress line, not a promise.
    func treePosition(_ stack: [Frame]) -> Double {
        var done = 0.0
        var weight = 1.0
        for frame in stack where !frame.actions.isEmpty {
            let count = Double(frame.actions.count)
            done += weight * Double(max(0, frame.next - 1)) / count
            weight /= count
        }
        return min(1, done)
    }

    /// The frame of a newly reached state: its enabled actions (within the preemption bound),
    /// listed through `scratch` (a buffer the search keeps, so that no state allocates).
    func expand(
        _ world: consuming World<S>, fingerprint: UInt64, preemptions: Int, sleep: ActionSet, skip: ActionSet,
        via: Action?, scratch: inout [Action], stats: inout ExplorationStats
    ) -> Frame {
        scratch.removeAll(keepingCapacity: true)
        world.enabledActions(into: &scratch)
        if preemptions >= bounds.maxPreemptions { scratch.removeAll { $0.isPreemption } }
        if scratch.isEmpty, !world.isFinished, world.violation == nil {
            var stuck = copy world
            if stuck.checkDeadlock() { stats.deadlocks += 1 }
        }
        var actions = ActionList()
        var enabled = ActionSet()
        for action in scratch {
            actions.append(action)
            enabled.insert(action)
        }
        return Frame(
            fingerprint: fingerprint, preemptions: preemptions, world: world, actions: actions, sleep: sleep,
            skip: skip, via: via, enabled: enabled)
    }

    /// - Parameter accessed: the scenario's pages still accessed (``omitsDeadEntries``), or nil.
    func fingerprint(_ world: inout World<S>, preemptions: Int, accessed: AccessedPages?) -> UInt64 {
        var h = StableHasher()
        if reusesCPUFingerprints {
            world.fingerprintReusingCPUs(into: &h, omitting: accessed)
        } else {
            world.fingerprint(into: &h, omitting: accessed)
        }
        h.combine(preemptions)
        return h.value
    }

    func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension Action {
    var isStep: Bool {
        if case .step = self { return true }
        return false
    }

    var isPreemption: Bool {
        if case .preempt = self { return true }
        return false
    }
}

/// What the workers of a parallel search share besides the visited states.
final class ParallelControl: Sendable {
    /// A worker found a violation or hit the memory bound: every worker stops.
    let stop = Atomic<Bool>(false)
    /// A worker's depth bound cut a subtree (re-explore states reached with more depth left).
    let deepened = Atomic<Bool>(false)
    /// New states, in all workers, counted 4096 at a time (for progress lines).
    let states = Atomic<Int>(0)
}
