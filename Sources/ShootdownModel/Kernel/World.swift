/// The simulated machine running a scenario under a scheme.
///
/// `World` executes ``Action``s: each runs one step of one CPU, and a step makes at most one
/// access to state other CPUs can see. The engines choose the actions; the world only says
/// which are enabled (``enabledActions(into:)``) and performs them (``perform(_:)``).
public struct World<S: Scheme>: Sendable {
    /// The static setup, behind one reference so that copying a world (the checker does it for
    /// every transition) retains one object instead of every array of the scenario.
    let setup: ScenarioBox
    /// The static setup.
    public var scenario: Scenario { setup.scenario }
    /// The flush-tracking scheme under test.
    public let scheme: S
    /// The machine: what the checker stores and hashes.
    public internal(set) var state: MachineState
    /// The scheme's own state (``Scheme/State``: the ring's slots): hashed with ``state``.
    public internal(set) var schemeState: S.State
    /// What happened so far.
    public internal(set) var counters = Counters()
    /// The first violation, once one happened (boxed: worlds are copied far more often than
    /// they fail).
    @usableFromInline var violationRecord: ViolationRecord?
    /// The first violation, once one happened.
    public var violation: Violation? { violationRecord?.violation }
    /// Whether a violation happened (without copying it out).
    @inlinable public var hasViolation: Bool { violationRecord != nil }
    /// Whether to record ``trace``.
    public var isTracing: Bool
    /// The timeline, when ``isTracing``.
    public internal(set) var trace: [TraceEvent] = []
    /// Set while an action runs: the step number for the trace.
    var currentStep = 0
    /// The shared state the last action read and wrote, as much of it as ``footprintScope``
    /// asks for.
    public internal(set) var footprint = Footprint()
    /// What ``footprint`` records.
    public let footprintScope: Footprint.Scope
    /// Which CPUs may cache each page and frame, so that the safety oracle visits only their TLBs
    /// (`nil`: it visits every TLB).
    var ghostIndex: GhostIndex?
    /// The CPUs' fingerprints at the last ``fingerprintReusingCPUs(into:omitting:)``.
    var cpuFingerprints = CPUFingerprints()

    /// A machine at boot for `scenario`.
    /// - Parameters:
    ///   - tlb: each CPU's empty TLB: unbounded for the checker, sized for the simulator.
    ///   - footprint: what ``footprint`` records: everything (the checker), or the writes that
    ///     can let another CPU run or stop it (the simulator).
    ///   - indexesTLBs: keep a ``GhostIndex`` of which CPUs may cache each page and frame (many
    ///     CPUs with large TLBs: the simulator), if it fits its bound.
    public init(
        scenario: Scenario, scheme: S, tracing: Bool = false, tlb: TLB = TLB(), footprint: Footprint.Scope = .all,
        indexesTLBs: Bool = false
    ) {
        self.setup = ScenarioBox(scenario)
        self.scheme = scheme
        self.state = MachineState(scenario: scenario, initialTLBGen: scheme.initialTLBGen, tlb: tlb)
        self.schemeState = scheme.initialState(addressSpaces: scenario.addressSpaces.count)
        self.isTracing = tracing
        self.footprintScope = footprint
        if indexesTLBs {
            ghostIndex = GhostIndex(
                addressSpaces: scenario.addressSpaces.count, pagesPerAddressSpace: scenario.pagesPerAddressSpace,
                frames: scenario.frameCount + 1)
        }
    }

    /// Records a timeline line for `cpu`; callers build the text only `if isTracing`. (Not an
    /// autoclosure: one that reads `self` inside this mutating call is an overlapping access
    /// Swift refuses, and a timeline in a shared reference would let copies of a world write
    /// into one.)
    mutating func note(_ cpu: Int, _ function: String, _ detail: String) {
        trace.append(TraceEvent(step: currentStep, cpu: cpu, function: function, detail: detail))
    }

    /// Whether every thread finished its script.
    public var isFinished: Bool {
        state.threads.allSatisfy { $0.status == .done }
            && state.cpus.allSatisfy { $0.stack.isEmpty && $0.mailbox.isEmpty }
    }

    // MARK: - Enabled actions

    /// Appends the actions enabled now, in a fixed order (by CPU: interrupt, step, preempt).
    ///
    /// Specialised for each scheme (`@_specialize`), so that the engines in other modules run
    /// the kernel paths with static dispatch.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    public func enabledActions(into actions: inout [Action]) {
        for cpu in state.cpus.indices {
            if canInterrupt(cpu) { actions.append(.interrupt(cpu: cpu)) }
            if canStep(cpu) { actions.append(.step(cpu: cpu)) }
            if canPreempt(cpu) { actions.append(.preempt(cpu: cpu)) }
        }
    }

    /// Whether `cpu` can take a pending flush IPI now.
    @inline(__always)
    public func canInterrupt(_ cpu: Int) -> Bool {
        !state.cpus[cpu].mailbox.isEmpty && state.cpus[cpu].irqsEnabled
    }

    /// Whether `cpu` has a step to run now.
    public func canStep(_ cpu: Int) -> Bool { nextStep(cpu).canStep }

    /// Whether `cpu`'s next step can run, and the lock or acknowledgements it waits for: the
    /// innermost call's wait (``wait(of:on:)``), or at an operation boundary an mmap's
    /// `mmap_lock`, or for an idle CPU a runnable thread to switch to. The one definition of
    /// ``canStep(_:)``, ``canStepInPlace(_:)`` and the readiness.
    @inline(__always)
    func nextStep(_ cpu: Int) -> (canStep: Bool, waitsOn: Location?) {
        if let top = state.cpus[cpu].stack.last {
            let wait = wait(of: top, on: cpu)
            return (!(wait?.isBlocked ?? false), wait?.location)
        }
        guard let thread = state.cpus[cpu].current else { return (nextRunnable(on: cpu, after: nil) != nil, nil) }
        if let mm = mmapAtBoundary(thread) { return (state.mms[mm].mmapLock.canWrite, .mmapLock(mm: mm)) }
        return (true, nil)  // an operation to start, or a switch away
    }

    /// The mm of `thread`'s next operation when that is an mmap (which takes `mmap_lock` for
    /// write before its first step) and the thread can run it.
    @inline(__always)
    func mmapAtBoundary(_ thread: Int) -> Int? {
        guard state.threads[thread].status == .runnable else { return nil }
        let pc = state.threads[thread].pc
        guard pc < scenario.threads[thread].script.count, case .mmap = scenario.threads[thread].script[pc] else {
            return nil
        }
        return scenario.threads[thread].mm
    }

    /// Whether the scheduler may preempt `cpu`'s thread for another runnable thread now.
    @inline(__always)
    public func canPreempt(_ cpu: Int) -> Bool {
        guard state.cpus[cpu].stack.isEmpty, let thread = state.cpus[cpu].current,
            state.threads[thread].status == .runnable
        else { return false }
        return nextRunnable(on: cpu, after: thread) != nil
    }

    /// What the innermost call's next step waits for, if anything: the shared state that
    /// decides whether it can run (a lock, or the CPU's own acknowledgements), and whether it is
    /// blocked on it now. One switch serves both, so that they cannot disagree; the location is
    /// what the step reads while it waits (the footprint) and what the simulator watches.
    @inline(__always)
    func wait(of kernelCall: KernelCall, on cpu: Int) -> (location: Location, isBlocked: Bool)? {
        typealias Wait = (location: Location, isBlocked: Bool)
        @inline(__always)
        func mmapLock(_ mm: Int, write: Bool) -> Wait {
            let lock = state.mms[mm].mmapLock
            return (.mmapLock(mm: mm), write ? !lock.canWrite : !lock.canRead)
        }
        @inline(__always)
        func ptl(_ mm: Int, page: Int) -> Wait { ptl(mm, table: state.mms[mm].table(of: page)) }
        @inline(__always)
        func ptl(_ mm: Int, table: Int) -> Wait {
            (.ptl(mm: mm, table: table), state.mms[mm].ptlOwners[table] != nil)
        }
        switch kernelCall {
        case .pteBatch(let call):
            switch call.pc {
            case .lockMmap:
                return call.holdsMmapLock ? nil : mmapLock(call.mm, write: call.kind.takesMmapLockForWrite)
            case .lockPTL(let table): return ptl(call.mm, table: table)
            default: return nil
            }
        case .migrate(let call):
            switch call.pc {
            case .lockPTL, .remap: return ptl(call.mm, page: call.page)
            default: return nil
            }
        case .reclaim(let call):
            return call.pc == .lockPTL ? ptl(call.mm, page: call.page) : nil
        case .fork(let call):
            switch call.pc {
            case .lockMmap:
                // Both mms' locks: the child's when only it is held, else the parent's.
                let parent = mmapLock(call.mm, write: true)
                let child = mmapLock(call.child, write: true)
                return !parent.isBlocked && child.isBlocked ? child : parent
            case .copy(let page): return ptl(call.mm, page: page)
            case .flush, .unlockMmap: return nil
            }
        case .mremap(let call):
            let space = state.mms[call.mm]
            let old = space.table(of: call.range.start + call.extent)
            switch call.pc {
            case .lockMmap: return mmapLock(call.mm, write: true)
            case .lockOldPTL: return ptl(call.mm, table: old)
            case .lockNewPTL:
                // `if (new_ptl != old_ptl) spin_lock_nested(new_ptl, ...)`.
                let new = space.table(of: call.newPage(call.extent))
                return new == old ? nil : ptl(call.mm, table: new)
            default: return nil
            }
        case .split(let call):
            return call.pc == .invalidate ? ptl(call.mm, table: call.table) : nil
        case .collapse(let call):
            switch call.pc {
            case .lockMmap: return mmapLock(call.mm, write: true)
            case .clearPMD, .copy, .install: return ptl(call.mm, table: call.table)
            case .unlockPMD, .unlockMmap: return nil
            }
        case .fault(let call):
            switch call.pc {
            case .lockMmap: return mmapLock(call.mm, write: false)
            case .install: return ptl(call.mm, page: call.page)
            case .cowInstall, .unlockMmap: return nil
            }
        case .flushTLBMMRange(let call):
            switch call.pc {
            case .wait: return (.acks(cpu: cpu), scheme.waitsForAcknowledgements && state.cpus[cpu].pendingAcks > 0)
            case .transitionCPU(let target):
                // finish_asid_transition(): while (READ_ONCE(per_cpu(cpu_tlbstate.loaded_mm, cpu))
                // == LOADED_MM_SWITCHING) cpu_relax();
                guard scheme.transitionWaitsForSwitching else { return nil }
                return (.loadedMM(cpu: target), state.cpus[target].tlbState.isSwitching)
            default: return nil
            }
        case .flushTLBFunc, .switchMM, .enterLazyTLB:
            return nil
        }
    }

    /// The next runnable thread pinned to `cpu`, round-robin after `thread`, excluding it.
    @inline(__always)
    func nextRunnable(on cpu: Int, after thread: Int?) -> Int? {
        let pinned = setup.threadsOnCPU[cpu]
        // Round-robin: the threads after `thread` first, then from the lowest.
        let first = thread.map { t in pinned.firstIndex { $0 > t } ?? pinned.count } ?? 0
        for offset in 0..<pinned.count {
            let candidate = pinned[(first + offset) % pinned.count]
            if candidate != thread, state.threads[candidate].status == .runnable { return candidate }
        }
        return nil
    }

    // MARK: - Performing actions

    /// Runs one action. The action must be enabled.
    public mutating func perform(_ action: Action) {
        let isEnabled =
            switch action {
            case .step(let cpu): canStep(cpu)
            case .interrupt(let cpu): canInterrupt(cpu)
            case .preempt(let cpu): canPreempt(cpu)
            }
        precondition(isEnabled, "action \(action) is not enabled")
        performEnabled(action)
    }

    /// Runs one action that the caller took from this state's enabled ones
    /// (``enabledActions(into:)``, ``readiness(_:)``): ``perform(_:)`` without checking it again.
    /// The engines use it on every transition.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    package mutating func performEnabled(_ action: Action) {
        counters.steps += 1
        currentStep = counters.steps
        footprint.reset()
        #if SHOOTDOWN_INTERNAL_CHECKS
            // The checker's and runner's worlds (a few CPUs); the simulator's, of hundreds of
            // CPUs and millions of actions, are compared with a reference run instead
            // (SimulationRunTests), as a scan of every CPU per action would square their cost.
            let tlbGensBefore = footprintScope == .all ? state.mms.map(\.tlbGen) : []
            defer { if footprintScope == .all { checkInvariants(tlbGensBefore: tlbGensBefore) } }
        #endif
        switch action {
        case .step(let cpu):
            if state.cpus[cpu].stack.isEmpty {
                runBoundary(cpu)
            }
            runCalls(cpu)
        case .interrupt(let cpu):
            deliverIPI(cpu)
        case .preempt(let cpu):
            touch(.runqueue(cpu: cpu), write: false)
            let next = nextRunnable(on: cpu, after: state.cpus[cpu].current)!
            if isTracing {
                note(cpu, "schedule", "preempt \(threadName(state.cpus[cpu].current)) for \(threadName(next))")
            }
            contextSwitch(cpu, to: next)
            runCalls(cpu)
        }
    }

    /// Runs frames of `cpu` until one makes its shared access, blocks, or the stack empties.
    mutating func runCalls(_ cpu: Int) {
        // The innermost call stays on the stack; it runs on a copy, written back when the action
        // ends or it calls another function (a step touches its own CPU's stack only to push a
        // callee, through invoke). Popping and pushing it instead costs two array mutations
        // per action, on the hottest path here.
        guard var kernelCall = state.cpus[cpu].stack.last else { return }
        while true {
            // Whether the action goes on or stops here depends on the lock or acknowledgements.
            if let wait = wait(of: kernelCall, on: cpu) {
                touch(wait.location, write: false)
                if wait.isBlocked { return }  // the call did not change
            }
            let outcome: StepOutcome
            switch kernelCall {
            case .pteBatch(var call):
                outcome = stepPTEBatch(cpu, &call)
                kernelCall = .pteBatch(call)
            case .migrate(var call):
                outcome = stepUnmap(cpu, &call)
                kernelCall = .migrate(call)
            case .reclaim(var call):
                outcome = stepUnmap(cpu, &call)
                kernelCall = .reclaim(call)
            case .fork(var call):
                outcome = stepFork(cpu, &call)
                kernelCall = .fork(call)
            case .mremap(var call):
                outcome = stepMremap(cpu, &call)
                kernelCall = .mremap(call)
            case .collapse(var call):
                outcome = stepCollapse(cpu, &call)
                kernelCall = .collapse(call)
            case .split(var call):
                outcome = stepSplit(cpu, &call)
                kernelCall = .split(call)
            case .fault(var call):
                outcome = stepFault(cpu, &call)
                kernelCall = .fault(call)
            case .flushTLBMMRange(var call):
                outcome = stepFlushTLBMMRange(cpu, &call)
                kernelCall = .flushTLBMMRange(call)
            case .flushTLBFunc(var call):
                outcome = stepFlushTLBFunc(cpu, &call)
                kernelCall = .flushTLBFunc(call)
            case .switchMM(var call):
                outcome = stepSwitchMM(cpu, &call)
                kernelCall = .switchMM(call)
            case .enterLazyTLB:
                outcome = enterLazyTLB(cpu)
            }
            switch outcome {
            case .next:
                if hasViolation {
                    writeBackTop(cpu, kernelCall)
                    return
                }
            case .shared:
                writeBackTop(cpu, kernelCall)
                return
            case .call(let shared):
                let callee = state.cpus[cpu].stack.count - 1
                state.cpus[cpu].stack[callee - 1] = kernelCall
                if shared || hasViolation { return }
                kernelCall = state.cpus[cpu].stack[callee]
            case .ret(let shared):
                state.cpus[cpu].stack.removeLast()
                guard !shared, !hasViolation, let caller = state.cpus[cpu].stack.last else { return }
                kernelCall = caller
            }
        }
    }

    /// A step's call of `callee`: pushed above the running call, whose copy the step loop
    /// writes back below it. The outcome carries no call, so that it returns in registers.
    @inline(__always)
    mutating func invoke(_ cpu: Int, _ callee: KernelCall, shared: Bool) -> StepOutcome {
        state.cpus[cpu].stack.append(callee)
        return .call(shared: shared)
    }

    /// Stores the running copy of `cpu`'s innermost call back on its stack.
    @inline(__always)
    mutating func writeBackTop(_ cpu: Int, _ kernelCall: KernelCall) {
        state.cpus[cpu].stack[state.cpus[cpu].stack.count - 1] = kernelCall
    }

    /// Records a shared access of the running action. Inlined, so that a call naming its
    /// location's kind has the kind's tests and its code folded, without a switch over kinds.
    @inline(__always)
    mutating func touch(_ location: Location, write: Bool) {
        guard footprintScope == .all || (write && location.isWakeUp) else { return }
        footprint.add(location.code, write: write)
    }

    /// Records a commutative update of `location` (``Footprint/add(_:write:update:)``): a
    /// counter changed by one without the step reading it.
    mutating func touch(updating location: Location) {
        guard footprintScope == .all || location.isWakeUp else { return }
        footprint.add(location.code, write: true, update: true)
    }

    func threadName(_ thread: Int?) -> String {
        thread.map { scenario.threads[$0].name } ?? "idle"
    }
}
