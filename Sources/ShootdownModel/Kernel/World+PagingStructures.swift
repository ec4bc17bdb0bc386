/// The CPUs' paging-structure caches (``PagingStructureCache``) as the kernel paths change
/// them: CR3 writes, flushes, and `free_pgtables()` unhooking page tables that
/// `tlb_finish_mmu()` frees after its flush. Each entry point does nothing in a scenario that
/// frees no page table.
extension World {
    /// The hardware tag of `cpu`'s loaded ASID.
    func loadedTag(_ cpu: Int) -> Int { state.cpus[cpu].tlb.tag(state.cpus[cpu].tlbState.loadedASID) }

    /// `load_new_mm_cr3()` is about to replace `cpu`'s CR3: the tag it leaves keeps what it
    /// cached of the loaded mm's page tables.
    mutating func leavePagingStructures(_ cpu: Int) {
        guard setup.tracksPagingStructures else { return }
        let mm = state.cpus[cpu].tlbState.loadedMM
        guard mm != initMM, state.mms[mm].freeableTables != 0 else { return }
        touch(.pageTables(mm: mm), write: true)
        state.cpus[cpu].pagingStructures.leave(tag: loadedTag(cpu), mm: mm, hooked: state.mms[mm].hookedTables)
    }

    /// `load_new_mm_cr3()` loaded `asid`: with a flush, its entries are gone; without one, the
    /// CPU may walk through whatever the tag still caches, a freed table too.
    mutating func loadPagingStructures(_ cpu: Int, asid: Int, flushed: Bool) {
        guard setup.tracksPagingStructures else { return }
        let tag = state.cpus[cpu].tlb.tag(asid)
        touchPagingStructures(cpu, tag: tag)
        if flushed {
            if state.cpus[cpu].pagingStructures.flush(tag: tag) { counters.pscFlushes += 1 }
        } else {
            state.cpus[cpu].pagingStructures.load(tag: tag)
            checkFreedTableWalk(cpu)
        }
    }

    /// `INVLPG` (any address) or a full flush in `asid`, the loaded one: every
    /// paging-structure entry of the current PCID goes (Intel SDM §4.10.4.1).
    mutating func flushPagingStructures(_ cpu: Int, asid: Int) {
        guard setup.tracksPagingStructures else { return }
        let tag = state.cpus[cpu].tlb.tag(asid)
        touchPagingStructures(cpu, tag: tag)
        if state.cpus[cpu].pagingStructures.flush(tag: tag) { counters.pscFlushes += 1 }
    }

    /// Records the page tables `cpu`'s lines of `tag` describe, and those of its loaded mm, as
    /// written: an unhook or a free of them does not commute with this CR3 write or flush (a
    /// tag shared by address spaces, as without PCID, names more than the loaded one).
    mutating func touchPagingStructures(_ cpu: Int, tag: Int) {
        let mm = state.cpus[cpu].tlbState.loadedMM
        if mm != initMM { touch(.pageTables(mm: mm), write: true) }
        for line in state.cpus[cpu].pagingStructures.lines where Int(line.tag) == tag && Int(line.mm) != mm {
            touch(.pageTables(mm: Int(line.mm)), write: true)
        }
    }

    /// `pte_alloc()` -> `pmd_populate()`: the page table of `page` is hooked (the fault path,
    /// fork's copy, mremap's destination), from now on cached by every CPU with `mm` loaded.
    mutating func hookPageTable(mm: Int, page: Int) {
        guard state.mms[mm].hookTable(of: page) else { return }
        touch(.pageTables(mm: mm), write: true)
    }

    /// `free_pgtables()` -> `free_pte_range()`: `pmd_clear()` unhooks `tables` of `mm` (no new
    /// walk reaches them); every CPU that may cache them keeps the entries until it flushes.
    mutating func unhookPageTables(mm: Int, tables: UInt64) {
        guard tables != 0 else { return }
        touch(.pageTables(mm: mm), write: true)
        state.mms[mm].hookedTables &= ~tables
        for cpu in state.cpus.indices {
            let loaded = state.cpus[cpu].tlbState.loadedMM == mm ? loadedTag(cpu) : nil
            state.cpus[cpu].pagingStructures.unhook(mm: mm, tables: tables, loadedTag: loaded)
        }
    }

    /// `tlb_flush_mmu_free()` -> `tlb_table_flush()` / the page batch (6.6 on bare metal:
    /// `native_tlb_remove_table()` is `tlb_remove_page()`): the unhooked `tables` of `mm` go
    /// back to the allocator, so a CPU that can still walk one reads a reused page as PTEs.
    mutating func releasePageTables(mm: Int, tables: UInt64) {
        guard tables != 0 else { return }
        touch(.pageTables(mm: mm), write: true)
        // Whether a CPU is in the window maySpeculate() leaves out follows its cpumask bit.
        touch(.cpumask(mm: mm), write: false)
        counters.pageTablesFreed += tables.nonzeroBitCount
        for cpu in state.cpus.indices {
            state.cpus[cpu].pagingStructures.free(mm: mm, tables: tables)
            S.revocationsCameDue(in: &self, cpu: cpu)
        }
        for cpu in state.cpus.indices where maySpeculate(cpu) { checkFreedTableWalk(cpu) }
    }

    /// Whether `cpu`'s hardware may walk its loaded page tables now. Every CPU may, lazy ones
    /// included, but for one window the model leaves out: `switch_mm_irqs_off()` between
    /// `cpumask_clear_cpu(cpu, mm_cpumask(prev))` and `load_new_mm_cr3()` still runs on `prev`'s
    /// page tables, interrupts off, and no flush reaches it any more. 6.6 on bare metal frees
    /// page tables right after the flush IPIs, so a speculative walk in those few instructions
    /// could read a freed table; the kernel accepts the window (with
    /// `MMU_GATHER_RCU_TABLE_FREE`, the paravirt and 6.15+ case, the RCU grace period waits for
    /// the interrupts-off section), and counting it would flag every scheme alike.
    func maySpeculate(_ cpu: Int) -> Bool {
        guard case .switchMM(let call) = state.cpus[cpu].stack.last else { return true }
        switch call.pc {
        case .setNextMask, .readGen, .loadCR3: return false
        case .markSwitching: return scheme.loadedMMSwitching == .beforeGenRead
        default: return true
        }
    }

    /// Records a violation if `cpu`'s loaded PCID caches an entry of a freed page table.
    mutating func checkFreedTableWalk(_ cpu: Int) {
        guard !hasViolation, let (mm, table) = state.cpus[cpu].pagingStructures.freedTable(tag: loadedTag(cpu)) else {
            return
        }
        counters.violations += 1
        violationRecord = ViolationRecord(
            Violation(
                kind: .freedTableWalk, cpu: cpu, thread: state.cpus[cpu].current, mm: mm,
                page: state.mms[mm].pages(inTable: table).lowerBound, frame: nil, revocation: nil,
                step: counters.steps))
        if isTracing { note(cpu, "VIOLATION", describe(violation!)) }
    }
}
