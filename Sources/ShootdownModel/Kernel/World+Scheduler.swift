/// The scheduler and the user operations that need no kernel path of their own.
extension World {
    /// At an operation boundary of `cpu`: runs the thread's next operation, or switches to
    /// another thread (or the idle task) when the thread blocked, slept or finished.
    mutating func runBoundary(_ cpu: Int) {
        touch(.runqueue(cpu: cpu), write: false)
        guard let thread = state.cpus[cpu].current else {
            let next = nextRunnable(on: cpu, after: nil)!
            if isTracing { note(cpu, "schedule", "idle -> \(threadName(next))") }
            contextSwitch(cpu, to: next)
            return
        }
        let script = scenario.threads[thread].script
        let t = state.threads[thread]
        guard t.status == .runnable, t.pc < script.count else {
            let next = nextRunnable(on: cpu, after: thread)
            if isTracing {
                note(
                    cpu, "schedule",
                    "\(threadName(thread)) \(t.status == .done ? "exits" : "blocks") -> \(threadName(next))")
            }
            contextSwitch(cpu, to: next)
            return
        }
        runOperation(script[t.pc], thread: thread, cpu: cpu)
    }

    /// `context_switch()` in kernel/sched/core.c: a kernel thread (or idle) keeps the previous
    /// mm loaded and enters lazy TLB mode; a user thread gets `switch_mm_irqs_off(prev, next)`.
    mutating func contextSwitch(_ cpu: Int, to next: Int?) {
        counters.contextSwitches += 1
        state.cpus[cpu].current = next
        if let next, let mm = scenario.threads[next].mm {
            state.cpus[cpu].stack.append(.switchMM(SwitchMMCall(next: mm)))
        } else {
            state.cpus[cpu].stack.append(.enterLazyTLB)
        }
    }

    /// Moves `thread` past its current operation; the last one ends the thread.
    mutating func finishOperation(_ thread: Int) {
        state.threads[thread].pc += 1
        if state.threads[thread].pc == scenario.threads[thread].script.count {
            state.threads[thread].status = .done
        }
    }

    /// Starts `op` of `thread` on `cpu`: one-step operations run here, system calls push their path.
    mutating func runOperation(_ op: Operation, thread: Int, cpu: Int) {
        let opIndex = state.threads[thread].pc
        let mm = scenario.threads[thread].worksOn
        switch op {
        case .access(let page, let write):
            access(cpu: cpu, thread: thread, mm: mm!, page: page, write: write)
        case .munmap(let range):
            push(cpu, .pteBatch(PTEBatchCall(kind: .munmap, range: range, thread: thread, op: opIndex, mm: mm!)))
        case .madviseDontNeed(let range):
            push(
                cpu, .pteBatch(PTEBatchCall(kind: .madviseDontNeed, range: range, thread: thread, op: opIndex, mm: mm!))
            )
        case .mprotect(let range, let prot):
            push(
                cpu, .pteBatch(PTEBatchCall(kind: .mprotect(prot), range: range, thread: thread, op: opIndex, mm: mm!)))
        case .migrate(let page, let synchronous):
            var call = UnmapCall(page: page, thread: thread, op: opIndex, mm: mm!, migrates: true)
            call.isSynchronous = synchronous
            push(cpu, .migrate(call))
        case .numaHint(let range):
            push(cpu, .pteBatch(PTEBatchCall(kind: .numaHint, range: range, thread: thread, op: opIndex, mm: mm!)))
        case .reclaim(let page):
            push(cpu, .reclaim(UnmapCall(page: page, thread: thread, op: opIndex, mm: mm!, migrates: false)))
        case .mremap(let range, let destination):
            push(
                cpu,
                .mremap(MremapCall(range: range, destination: destination, thread: thread, op: opIndex, mm: mm!)))
        case .fork(let child):
            push(cpu, .fork(ForkCall(child: child, thread: thread, op: opIndex, mm: mm!)))
        case .collapse(let range):
            let table = state.mms[mm!].table(of: range.start)
            push(cpu, .collapse(CollapseCall(table: table, thread: thread, op: opIndex, mm: mm!)))
        case .mmap(let range, let prot):
            mmap(cpu: cpu, thread: thread, mm: mm!, range: range, prot: prot)
        case .yield:
            finishOperation(thread)
            if let next = nextRunnable(on: cpu, after: thread) {
                if isTracing { note(cpu, "schedule", "sched_yield: \(threadName(thread)) -> \(threadName(next))") }
                contextSwitch(cpu, to: next)
            } else {
                if isTracing { note(cpu, "user", "sched_yield: nothing else to run") }
            }
        case .sleep:
            finishOperation(thread)
            if isTracing { note(cpu, "schedule", "\(threadName(thread)) sleeps -> idle") }
            contextSwitch(cpu, to: nil)
        case .wait(let event):
            // futex wait: reads the futex word (shared), blocks if not yet signalled.
            touch(.event(event), write: false)
            if state.events[event] {
                if isTracing { note(cpu, "user", "wait \(scenario.events[event]): already signalled") }
                finishOperation(thread)
            } else {
                if isTracing { note(cpu, "user", "wait \(scenario.events[event]): blocks") }
                state.threads[thread].status = .waiting(event: event)
            }
        case .spin(let event):
            touch(.event(event), write: false)
            if state.events[event] {
                if isTracing { note(cpu, "user", "spin \(scenario.events[event]): signalled") }
                finishOperation(thread)
            } else {
                if isTracing { note(cpu, "user", "spin \(scenario.events[event]): not yet") }
            }
        case .signal(let event):
            state.events[event] = true
            touch(.event(event), write: true)
            for other in state.threads.indices where state.threads[other].status == .waiting(event: event) {
                state.threads[other].status = .runnable
                touch(.runqueue(cpu: scenario.threads[other].cpu), write: true)
            }
            if isTracing { note(cpu, "user", "signal \(scenario.events[event])") }
            finishOperation(thread)
        case .work:
            if isTracing { note(cpu, "kthread", "\(threadName(thread)) works") }
            finishOperation(thread)
        case .tick:
            // jiffies pass every mm's next_trim_cpumask (jiffies + HZ at its last trim).
            for mm in state.mms.indices {
                touch(.nextTrim(mm: mm), write: true)
                state.mms[mm].trimDue = true
            }
            if isTracing { note(cpu, "user", "tick: a second passes, every mm's next_trim_cpumask is due") }
            finishOperation(thread)
        }
    }

    mutating func push(_ cpu: Int, _ kernelCall: KernelCall) {
        state.cpus[cpu].stack.append(kernelCall)
    }

    /// `mmap(MAP_FIXED_NOREPLACE)` of an anonymous range: one step under `mmap_lock` held for
    /// writing (the VMA is only read under that lock). Pages fault in on first touch.
    mutating func mmap(cpu: Int, thread: Int, mm: Int, range: PageRange, prot: Protection) {
        touch(.mmapLock(mm: mm), write: true)
        let taken = (range.start..<range.end).contains { state.mms[mm].vmas[$0] != nil }
        if taken {
            if isTracing { note(cpu, "mmap", "\(range) overlaps a mapping: EEXIST") }
        } else {
            touch(.vmas(mm: mm), write: true)
            state.mms[mm].addVMA(range, protection: prot)
            if isTracing { note(cpu, "mmap", "\(scenario.mmName(mm)) \(range) \(prot)") }
        }
        finishOperation(thread)
    }
}
