import ShootdownModel

/// The function tracer's lines: `flush_tlb_mm_range`, `native_flush_tlb_multi`, `flush_tlb_func` and
/// `arch_tlbbatch_flush`, each with its caller.
extension TraceWorkloadBuilder {
    mutating func function(_ name: String, caller: String, line: FtraceLine) {
        let cpu = line.cpu
        endSwitch(on: cpu)
        switch name {
        case "flush_tlb_mm_range":
            closeFlush(on: cpu)
            let syscall = syscallOf[line.pid]
            var flushed = running[cpu] ?? nil
            // exit_mmap(): free_pgtables() of every VMA before tlb_finish_mmu().
            var isTeardown = false
            if caller == "tlb_finish_mmu", syscall == nil, line.pid != 0 {
                if let left = execLeft[line.pid], let old = left {
                    // exec: mmput() of the mm the task left tears it down.
                    execLeft[line.pid] = .some(nil)
                    flushed = old
                    isTeardown = true
                } else if isExitTeardown(pid: line.pid, line: line.number), let mm = flushed {
                    // exit: exit_mm() left the mm loaded in lazy mode; exit_mmap() flushes it.
                    exited.insert(line.pid)
                    append(
                        .schedule(
                            ObservedSwitch(line: line.number, cpu: cpu, mm: nil, flushed: false, isCompared: false)))
                    running[cpu] = .some(nil)
                    flushed = mm
                    isTeardown = true
                }
            }
            guard let mm = flushed else {
                skipped["flush_tlb_mm_range by a kernel thread (the trace does not say whose mm)", default: 0] += 1
                return
            }
            let assumed: Int? =
                caller == "ptep_clear_flush" ? 1 : caller == "tlb_finish_mmu" ? syscall.map(\.pages) : nil
            // tlb_finish_mmu(): "if (mm_tlb_flush_nested(tlb->mm)) { tlb->fullmm = 1;
            // __tlb_reset_range(tlb); tlb->freed_tables = 1; }".
            let isNested =
                caller == "tlb_finish_mmu" && syscall != nil && !(syscall?.isMprotect ?? true)
                && gathering.contains { $0.key != line.pid && $0.value == mm }
            if caller == "tlb_finish_mmu" { gathering[line.pid] = nil }
            let flush = ObservedFlush(
                line: line.number, cpu: cpu, mm: mm, caller: caller, pages: isNested ? nil : assumed,
                pagesSource: .assumed,
                freedTables: isTeardown || isNested || Self.freesTables(caller: caller, syscall: syscall),
                observed: ReplayedFlush(path: .none, targets: [], receivers: [:], local: nil), isCompared: isWarm)
            openFlush[cpu] = append(.flush(flush))
        case "native_flush_tlb_multi":
            guard let index = openFlush[cpu] else { return }
            updateFlush(index) { $0.observed.path = .multi }
        case "flush_tlb_func" where Self.isLocalCaller(caller):
            guard let index = openFlush[cpu] else { return }
            updateFlush(index) { flush in
                flush.observed.local = .early  // until a flush follows
                if caller == "flush_tlb_mm_range" { flush.observed.path = .local }
            }
            localFlush[cpu] = index
            append(.runLocal(cpu: cpu))
        case "flush_tlb_func":
            endReceiving(on: cpu)
            receiving[cpu] = append(.receive(ObservedReceive(line: line.number, cpu: cpu, outcome: .early)))
        case "arch_tlbbatch_flush":
            closeFlush(on: cpu)
            // try_to_unmap_flush() of a migration or reclaim batch: the batch's cpumask gathered
            // the mm_cpumask of each mm whose PTE it cleared, which the trace does not show; the
            // running task's mm is assumed (NUMA migration, 6.4+; kswapd's reclaim is skipped).
            guard let mm = running[cpu] ?? nil else {
                skipped[
                    "arch_tlbbatch_flush by a kernel thread (reclaim: the trace does not say whose PTEs)", default: 0] +=
                    1
                return
            }
            var flush = ObservedFlush(
                line: line.number, cpu: cpu, mm: mm, caller: "arch_tlbbatch_flush <-\(caller)", pages: nil,
                pagesSource: .trace, freedTables: false,
                observed: ReplayedFlush(path: .none, targets: [], receivers: [:], local: nil), isCompared: isWarm)
            flush.isBatch = true
            openFlush[cpu] = append(.flush(flush))
        default:
            break
        }
    }
}
