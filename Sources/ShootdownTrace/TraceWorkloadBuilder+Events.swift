import ShootdownModel

/// Trace events: `tlb_flush` by reason, the IPI interrupts, `ipi_send_*`, exec and exit.
extension TraceWorkloadBuilder {
    /// What ``TraceWorkload/skipped`` calls the switch flushes no replayed switch makes.
    static let unreplayedSwitchFlush =
        "flush on task switch outside a sched_switch (text_poke()'s temporary mm while tracing is set up, "
        + "or an exec the trace did not show)"

    mutating func event(_ name: String, fields: String, line: FtraceLine) {
        let cpu = line.cpu
        switch name {
        case "tlb_flush":
            let (pages, reason) = TraceStats.tlbFlush(fields)
            switch reason {
            case "flush on task switch":
                if let index = openSwitch[cpu], case .schedule(var s) = requests[index] {
                    s.flushed = true
                    requests[index] = .schedule(s)
                } else if let index = receiving[cpu] {
                    updateReceive(index, .leftLazy(flushed: true))
                } else if let index = localFlush[cpu] {
                    // A lazy initiator (exit_mmap() after exit_mm()) leaves lazy mode.
                    updateFlush(index) { $0.observed.local = .leftLazy(flushed: true) }
                    localFlush[cpu] = nil
                } else if line.pid != 0, execLeft[line.pid] == nil, let mm = running[cpu] ?? nil,
                    execLines[line.pid, default: []].contains(where: { $0 > line.number })
                {
                    // exec_mmap(): activate_mm() switches to the new mm (a new mm always needs a
                    // flush), then mmput() tears the old one down.
                    execLeft[line.pid] = mm
                    closeFlush(on: cpu)
                    let new = newMM(tgid: tgidOf[line.pid] ?? line.pid, comm: line.task, isExec: true)
                    append(
                        .schedule(
                            ObservedSwitch(line: line.number, cpu: cpu, mm: new, flushed: true, isCompared: false)))
                    running[cpu] = .some(new)
                } else {
                    skipped[Self.unreplayedSwitchFlush, default: 0] += 1
                }
            case "remote ipi send":
                if let index = openFlush[cpu] {
                    // A count of 0 says nothing of the range (the kernel sends for at least a
                    // page): the flush keeps the pages it was assumed to have.
                    if pages != 0 {
                        let syscall = syscallOf[line.pid]
                        updateFlush(index) { flush in
                            flush.pages = Self.strided(pages)
                            flush.pagesSource = .trace
                            if flush.isNested(syscall: syscall) {
                                flush.freedTables = true
                            } else if pages > 0, Self.strided(pages) != pages {
                                // A PMD-stride gather zapped huge PMDs only (tlb->cleared_pmds): no
                                // PTE table under them for free_pgtables() to free.
                                flush.freedTables = false
                            }
                        }
                    }
                    append(.sendIPIs(cpu: cpu))
                }
            case "local mm shootdown", "local shootdown":
                // A batch's flush_tlb_info has no mm: its local flush is a `local shootdown`.
                guard let index = localFlush[cpu] else { return }
                let syscall = syscallOf[line.pid]
                updateFlush(index) { flush in
                    flush.observed.local = Self.outcome(pages)
                    // pages:0 is an early return (the CPU had caught up): not the flush's range.
                    if flush.pagesSource == .assumed, pages != 0 {
                        flush.pages = Self.strided(pages)
                        flush.pagesSource = .trace
                        if flush.isNested(syscall: syscall) { flush.freedTables = true }
                    }
                }
                localFlush[cpu] = nil
            case "remote shootdown":
                guard let index = receiving[cpu] else { return }
                updateReceive(index, Self.outcome(pages))
                receiving[cpu] = nil
            default:
                break
            }
            return
        case "call_function_exit", "call_function_single_exit":
            endReceiving(on: cpu)
        case "call_function_entry", "call_function_single_entry":
            break
        case "sched_process_exec":
            endSwitch(on: cpu)
            closeFlush(on: cpu)
            // exec_mmap()'s new mm, if its activate_mm() showed no flush.
            if execLeft.removeValue(forKey: line.pid) == nil {
                let mm = newMM(tgid: tgidOf[line.pid] ?? line.pid, comm: line.task, isExec: true)
                append(
                    .schedule(ObservedSwitch(line: line.number, cpu: cpu, mm: mm, flushed: false, isCompared: false)))
                running[cpu] = .some(mm)
            }
            return
        case "sched_process_exit":
            endSwitch(on: cpu)
            closeFlush(on: cpu)
            // exit_mm() ran before: the task goes on in lazy TLB mode.
            if !exited.contains(line.pid), running[cpu] != nil, running[cpu]! != nil {
                exited.insert(line.pid)
                append(
                    .schedule(ObservedSwitch(line: line.number, cpu: cpu, mm: nil, flushed: false, isCompared: false)))
                running[cpu] = .some(nil)
            }
            return
        case "ipi_send_cpu", "ipi_send_cpumask":
            // 6.5 and later: whom the initiator sends IPIs (not to a CPU whose queue already
            // holds a call: it runs the new one with it).
            if let index = openFlush[cpu] {
                let targets = Self.ipiTargets(name, fields: fields)
                updateFlush(index) { $0.sentTo.formUnion(targets) }
            }
            return
        default:
            endSwitch(on: cpu)
            closeFlush(on: cpu)
        }
        if name.hasPrefix("call_function") { return }
        endSwitch(on: cpu)
    }

    /// The CPUs of an `ipi_send_cpu: cpu=2 ...` or `ipi_send_cpumask: cpumask=0-1,3 ...` event.
    static func ipiTargets(_ name: String, fields: String) -> Set<Int> {
        if name == "ipi_send_cpu" { return Set([TraceStats.field("cpu", in: fields)].compactMap { $0 }) }
        guard let list = stringField("cpumask", in: fields) else { return [] }
        var cpus: Set<Int> = []
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2, bounds[0] <= bounds[1] { cpus.formUnion(bounds[0]...bounds[1]) }
            if bounds.count == 1 { cpus.insert(bounds[0]) }
        }
        return cpus
    }
}
