/// Lipton's reduction (Lipton, "Reduction: a method of proving properties of parallel programs",
/// CACM 1975; as model checkers use it, Flanagan and Qadeer, "Transactions for software model
/// checking", 2003): a step that commutes with every step another CPU can take next, in the
/// direction it is moved, runs in one action with the step it moves to. The checker's option
/// (``performFusingMovers(_:)``); every other engine runs one step an action.
extension World {
    /// Runs `action`, then, while Lipton's reduction allows, more steps of the same CPU in the
    /// same action; answers how many `step` actions it ran after `action` (a schedule that
    /// replays it, one step an action, has that many copies of `step cpu` after `action`).
    /// ``footprint`` is then what all of them touched, and, when the chain stopped at a step
    /// that is blocked, the lock or acknowledgements that step waits on: an action of another
    /// CPU that changes whether it can run does not commute with the fused action.
    ///
    /// An action is Lipton's `R* N? L*`: right movers, at most one step that is neither, then
    /// left movers.
    /// - *Right movers* go on to the CPU's next step: a step that only takes `mmap_lock` or a
    ///   page-table lock (and reads what the lock protects, now held),
    ///   `flush_tlb_mm_range()`'s `csd_lock_wait()` once every acknowledgement is in (it reads
    ///   `pendingAcks` at 0, which only the CPU's own next IPIs change), and a flush IPI's
    ///   delivery (`generic_smp_call_function_single_interrupt()` taking the oldest entry of the
    ///   CPU's own call_single_queue: another CPU only appends to a queue, and appending to a
    ///   queue that is not empty commutes with taking its head). Another CPU's step taken after
    ///   such a step can be taken before it, with the same result: it does not touch the lock
    ///   (it would wait for it). A release is not a right mover: the step it enables, another
    ///   CPU's acquisition, often reads or writes a PTE in the same step, so it does not move
    ///   past the step the release would be fused with (`linux~mremap-flush-unlocked` on
    ///   `mremap-migrate` is missed when releases go on). Only where the step did not open a
    ///   point where the scheduler can preempt (an operation's end) or an IPI can be taken
    ///   (interrupts off before it, on after it): that point stays a state. The one exception
    ///   is a user spin or wait that finds its event signalled (events are never cleared, so the
    ///   read commutes with every step of every CPU, the CPU's own IPI handler included): the
    ///   action goes on into the thread's next operation where no other thread of the CPU could
    ///   be switched to.
    /// - *Left movers* join the step before them: a flush IPI's acknowledgement (`csd_unlock()`),
    ///   a step that only releases `mmap_lock` or a page-table lock (``isRelease(_:of:)``), one
    ///   that only returns into a `csd_lock_wait()` that blocks (``ranIntoWait(_:cpu:)``: the
    ///   local `flush_tlb_func()` done, the initiator waits for the others), and one that touches
    ///   nothing another CPU can see (``isLeftMover(_:of:cpu:)``).
    ///   No other CPU's step just before one of them depends on it: the initiator's
    ///   `csd_lock_wait()` is blocked until the acknowledgement (under `~no-wait` it reads the
    ///   count and goes on whatever it is), and a step that touches a held lock waits for it.
    ///   So the whole IPI handler, from its delivery to its acknowledgement, is one action, and
    ///   so is a PTE change with the release of its page-table lock after it. A release or a
    ///   return is told by running the step on a copy of the world (a step makes one shared
    ///   access, so its footprint says what it was), and only where the innermost call's program
    ///   counter and the scheme say the step can be one (``nextStepMayMoveLeft(_:)``): most steps
    ///   after one that is not a right mover cannot, and the copy, its copy-on-write and its
    ///   release are then saved.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    package mutating func performFusingMovers(_ action: Action) -> Int {
        if case .preempt = action {
            performEnabled(action)
            return 0
        }
        let cpu = action.cpu
        var irqsBefore = state.cpus[cpu].irqsEnabled
        var lock = action == .step(cpu: cpu) ? lockWaitedOn(cpu) : nil
        var heldBefore = lock.map(holders) ?? 0
        performEnabled(action)
        var total = footprint
        var extra = 0
        // The IPI's delivery takes the oldest entry of the CPU's own queue: a right mover.
        var isRight =
            action != .step(cpu: cpu)
            || isRightMover(footprint, cpu: cpu, acquired: acquisition(of: lock, heldBefore: heldBefore))
        // Lipton's R* N? L*: once a step that is not a right mover ran, only left movers follow.
        var committed = false
        while !hasViolation, !total.isEverything {
            let irqsAfter = state.cpus[cpu].irqsEnabled
            // Not where the step opened a point where the scheduler preempts (an operation's
            // end) or an IPI can be taken: a local flush_tlb_func() (interrupts off) returning
            // into a completed csd_lock_wait() (on). Past an operation's end only after a spin
            // or wait that found its event signalled, a right mover that an IPI handler commutes
            // with as well (it touches the event and the thread's position only), and where no
            // other thread of the CPU can be switched to.
            if state.cpus[cpu].stack.isEmpty {
                guard !committed, endedSignalledWait(footprint, cpu: cpu), !canPreempt(cpu) else { break }
            } else {
                guard irqsBefore || !irqsAfter else { break }
            }
            if !isRight { committed = true }
            if committed {
                if nextStepIsAcknowledgement(cpu) {
                    performEnabled(.step(cpu: cpu))
                } else {
                    guard nextStep(cpu).canStep, nextStepMayMoveLeft(cpu) else { break }
                    var probe = self
                    probe.performEnabled(.step(cpu: cpu))
                    guard !probe.hasViolation, probe.isLeftMover(probe.footprint, of: self, cpu: cpu) else { break }
                    self = probe
                }
            } else {
                let next = nextStep(cpu)
                guard next.canStep else {
                    if let wait = next.waitsOn { total.add(wait.code, write: false) }
                    break
                }
                lock = next.waitsOn.flatMap { $0.isLock ? $0 : nil }
                heldBefore = lock.map(holders) ?? 0
                performEnabled(.step(cpu: cpu))
                isRight = isRightMover(footprint, cpu: cpu, acquired: acquisition(of: lock, heldBefore: heldBefore))
            }
            irqsBefore = irqsAfter
            total.formUnion(footprint)
            extra += 1
        }
        footprint = total
        return extra
    }

    /// Whether `cpu`'s next step can be a left mover: ``KernelCall/nextStepMayMoveLeft`` of its
    /// innermost call, sharpened where the scheme decides whether the step touches anything
    /// shared, so that ``performFusingMovers(_:)`` runs the step on a copy only where the answer
    /// can be yes. Like the table, it may say yes where the copy says no, never the reverse
    /// (`WorldMoverTests`).
    func nextStepMayMoveLeft(_ cpu: Int) -> Bool {
        guard let call = state.cpus[cpu].stack.last, call.nextStepMayMoveLeft else { return false }
        // To init_mm, `.branch` goes on to store LOADED_MM_SWITCHING or to clear the old mm's
        // cpumask bit (``firstMaskStep(_:)``) unless the step touches nothing shared.
        if case .switchMM(let c) = call, c.pc == .branch, c.prev != c.next {
            return scheme.loadedMMSwitching != .beforeGenRead && (c.prev == initMM || scheme.updatesCPUMaskLazily)
        }
        return true
    }

    /// Whether the step of `cpu` whose footprint is `step`, run from `before`, is a left mover
    /// (one no other CPU's step just before it depends on): it only released a lock
    /// (``isRelease(_:of:)``), only ran into a blocked wait (``ranIntoWait(_:cpu:)``), or touched
    /// nothing another CPU can see (``Footprint/isEmpty``: the CR3 load of `init_mm` that ends a
    /// flush IPI's handler in lazy mode). Not under a scheme that reads other CPUs' TLB entries
    /// (``Scheme/readsTLBEntries``): there a CPU's own entries are seen by the others.
    func isLeftMover(_ step: Footprint, of before: World, cpu: Int) -> Bool {
        isRelease(step, of: before) || ranIntoWait(step, cpu: cpu) || (step.isEmpty && !S.readsTLBEntries)
    }

    /// Whether the step of `cpu` whose footprint is `step` ended a user spin or wait on an event
    /// already signalled: it read only that event and its CPU's run queue (to run its thread's
    /// operation). A right mover: events are never cleared, so every later read finds the same;
    /// another CPU changes the run queue only by waking a waiting thread, never the running one;
    /// and the CPU's own IPI handler touches neither the event nor the thread's position.
    func endedSignalledWait(_ step: Footprint, cpu: Int) -> Bool {
        var signalled = false
        var other = false
        step.forEachAccess { code, write, update in
            let kind = Location.Kind.of(code)
            let field = Location.firstField(of: code)
            if write || update {
                other = true
            } else if kind == Location.Kind.event, state.events[field] {
                signalled = true
            } else if kind != Location.Kind.runqueue || field != cpu {
                other = true
            }
        }
        return signalled && !other
    }

    /// Whether the step of `cpu` whose footprint is `step` only ran into `csd_lock_wait()` with
    /// acknowledgements pending: it read nothing shared but its own `pendingAcks`, and it is
    /// blocked on them now (a local `flush_tlb_func()` returning into the wait). Its shared
    /// access changed nothing: the step is its CPU-local part, which commutes with everything.
    func ranIntoWait(_ step: Footprint, cpu: Int) -> Bool {
        var count = 0
        var onAcks = false
        step.forEachAccess { code, write, _ in
            count += 1
            onAcks = !write && code == Location.acks(cpu: cpu).code
        }
        return count == 1 && onAcks && state.cpus[cpu].pendingAcks > 0 && !nextStep(cpu).canStep
    }

    /// Whether the step whose footprint is `step`, run from `before`, only released a lock:
    /// it wrote one location, `mmap_lock` or a page-table lock, whose holders went down.
    func isRelease(_ step: Footprint, of before: World) -> Bool {
        var count = 0
        var released = false
        step.forEachAccess { code, write, update in
            count += 1
            let location = Location(code: code)
            released = write && !update && location.isLock && holders(location) < before.holders(location)
        }
        return count == 1 && released
    }

    /// Whether the step of `cpu` whose footprint is `step` is a right mover: it touched only the
    /// lock it `acquired` (the ``Location/code`` of the `mmap_lock` or page-table lock it waited
    /// on, whose holders went up: an acquisition, and what the lock protects; not a step that
    /// takes a lock and releases it, or releases another), or it only read its own
    /// acknowledgements with none pending: `csd_lock_wait()` done, and only the CPU's own next
    /// IPIs change that. (With some pending, the step is one that ran into the blocked wait
    /// and changed nothing, such as `flush_tlb_multi()` skipping `run_local` on a CPU that does
    /// not run the mm (`khugepaged`): fused again and again, it would never end.) Or it ended a
    /// spin or wait on an event already signalled (``endedSignalledWait(_:cpu:)``).
    func isRightMover(_ step: Footprint, cpu: Int, acquired: UInt32?) -> Bool {
        if step.isEverything { return false }
        if endedSignalledWait(step, cpu: cpu) { return true }
        var touched = false
        var mover = true
        step.forEachAccess { code, write, update in
            touched = true
            let kind = Location.Kind.of(code)
            if code == acquired { return }
            if kind == Location.Kind.acks, !write, !update, Location.firstField(of: code) == cpu,
                state.cpus[cpu].pendingAcks == 0
            {
                return
            }
            mover = false
        }
        return touched && mover
    }

    /// The ``Location/code`` of `lock` if the step just run took it (its holders went up from
    /// `heldBefore`): what ``isRightMover(_:cpu:acquired:)`` is told was acquired.
    func acquisition(of lock: Location?, heldBefore: Int) -> UInt32? {
        lock.flatMap { holders($0) > heldBefore ? $0.code : nil }
    }

    /// The lock `cpu`'s next step waits on, if it waits on one (the step that takes it).
    func lockWaitedOn(_ cpu: Int) -> Location? {
        nextStep(cpu).waitsOn.flatMap { $0.isLock ? $0 : nil }
    }

    /// The holders of `lock`: `mmap_lock`'s readers or its writer, a page-table lock's owner.
    func holders(_ lock: Location) -> Int {
        switch lock {
        case .mmapLock(let mm): state.mms[mm].mmapLock.readers + (state.mms[mm].mmapLock.isWriteLocked ? 1 : 0)
        case .ptl(let mm, let table): state.mms[mm].ptlOwners[table] == nil ? 0 : 1
        default: 0
        }
    }

    /// Whether `cpu`'s next step is a flush IPI's acknowledgement, a left mover
    /// (``performFusingMovers(_:)``).
    func nextStepIsAcknowledgement(_ cpu: Int) -> Bool {
        guard case .flushTLBFunc(let call) = state.cpus[cpu].stack.last else {
            return false
        }
        return call.pc == .ack && !call.isLocal
    }
}
