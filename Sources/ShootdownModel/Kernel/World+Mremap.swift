/// mremap() to a fixed destination: the PTE moves whose flush must come before the page-table
/// locks drop (CVE-2018-18281).
///
/// Follows `SYSCALL_DEFINE5(mremap)` -> `mremap_to()` -> `move_vma()` (mm/mremap.c, 6.6):
/// under `mmap_write_lock()`, the overlap check, `do_munmap()` of the destination,
/// `vma_to_resize()`, `copy_vma()`, `move_page_tables()` (one `move_ptes()` per extent, an
/// extent ending at the next old or new page-table boundary), then `do_vmi_munmap()` of the old
/// range with the lock kept. `move_ptes()`: old PTL, then the new one if it differs,
/// `flush_tlb_batched_pending()`, each PTE `ptep_get_and_clear()` + `set_pte_at()`, then
/// "make sure to flush TLB before we drop the PTL for the PTE" (`flush_tlb_range()` of the old
/// extent when a present PTE moved), and only then the unlocks: from the moment the new PTL is
/// free, anyone may unmap and free the page through its new address.
extension World {
    mutating func stepMremap(_ cpu: Int, _ call: inout MremapCall) -> StepOutcome {
        let old = call.range.start + call.extent
        switch call.pc {
        case .lockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            let destination = PageRange(call.destination, call.destination + call.range.count)
            // mremap_to(): "Ensure the old/new locations do not overlap".
            guard call.range.end <= destination.start || destination.end <= call.range.start else {
                if isTracing { note(cpu, "mremap", "\(call.range) and \(destination) overlap: -EINVAL") }
                finishOperation(call.thread)
                return .ret(shared: true)
            }
            state.mms[call.mm].mmapLock.isWriteLocked = true
            if isTracing {
                note(cpu, "mremap", "mmap_write_lock(\(scenario.mmName(call.mm))) \(call.range) -> \(destination)")
            }
            call.pc = .unmapDestination
            return .shared
        case .unmapDestination:
            // MREMAP_FIXED: do_munmap(mm, new_addr, new_len, ...), the lock kept.
            var munmap = PTEBatchCall(
                kind: .munmap, range: PageRange(call.destination, call.destination + call.range.count),
                thread: call.thread, op: call.op, mm: call.mm)
            munmap.holdsMmapLock = true
            call.pc = .checkSource
            return invoke(cpu, .pteBatch(munmap), shared: false)
        case .checkSource:
            // vma_to_resize(): one VMA must cover the old range, else -EFAULT. (The model keeps
            // one VMA index for the halves of a VMA that mprotect split; a different protection
            // tells them apart.)
            let space = state.mms[call.mm]
            let first = call.range.start
            let pages = call.range.start..<call.range.end
            guard let protection = space.vmas[first],
                pages.allSatisfy({ space.vmas[$0] == protection && space.vmaIndex[$0] == space.vmaIndex[first] })
            else {
                if isTracing { note(cpu, "vma_to_resize", "no single VMA covers \(call.range): -EFAULT") }
                call.pc = .unlockMmap
                return .next
            }
            // copy_vma(): the new VMA is vm_area_dup() of the old (RFC 15's defer_tlb_gen too).
            touch(.vmas(mm: call.mm), write: true)
            let deferGen = space.deferTLBGen[Int(space.vmaIndex[first])]
            state.mms[call.mm].addVMA(
                PageRange(call.destination, call.destination + call.range.count), protection: protection)
            state.mms[call.mm].deferTLBGen[state.mms[call.mm].deferTLBGen.count - 1] = deferGen
            if isTracing { note(cpu, "move_vma", "copy_vma: \(protection) VMA at \(call.destination)") }
            call.pc = .lockOldPTL
            // An action ends here: the next step may wait for a PTL, and a step that waits must
            // begin its action (runCalls keeps nothing of an action that blocks).
            return .shared
        case .lockOldPTL:
            let table = state.mms[call.mm].table(of: old)
            touch(.ptl(mm: call.mm, table: table), write: true)
            if state.mms[call.mm].isHuge(table: table) {
                // move_page_tables(): split_huge_pmd(vma, old_pmd, old_addr) (the model moves
                // PTEs, never a whole PMD with move_huge_pmd()).
                return splitFirst(
                    cpu, mm: call.mm, table: table, thread: call.thread, op: call.op, function: "move_page_tables",
                    why: "split_huge_pmd(table \(table))")
            }
            state.mms[call.mm].ptlOwners[table] = cpu
            coverRevocations(mm: call.mm, pages: old..<call.range.start + extentEnd(call), thread: call.thread)
            if isTracing { note(cpu, "move_ptes", "spin_lock(old ptl of table \(table))") }
            call.pc = .lockNewPTL
            return .shared
        case .lockNewPTL:
            call.pc = .batchedPending
            return setNewPTL(cpu, call, owner: cpu)
        case .batchedPending:
            guard let seen = batchedFlushToRun(cpu, mm: call.mm) else {
                call.pc = nextMove(after: nil, in: call)
                return .shared
            }
            call.batchedSeen = seen
            call.pc = .batchedFlushed
            return invoke(cpu, .flushTLBMMRange(.wholeMM(call.mm)), shared: true)
        case .batchedFlushed:
            storeBatchedFlushed(cpu, mm: call.mm, seen: call.batchedSeen)
            call.pc = nextMove(after: nil, in: call)
            return .shared
        case .move(let offset):
            movePTE(cpu, offset: offset, call: &call)
            call.pc = nextMove(after: offset, in: call)
            return .shared
        case .flush:
            // if (force_flush) flush_tlb_range(vma, old_end - len, old_end); still under both PTLs.
            call.pc = .unlockNewPTL
            let flush = FlushTLBMMRangeCall(
                mm: call.mm, start: old, end: call.range.start + extentEnd(call),
                freedTables: scheme.flushTLBRangeFreesTables)
            if isTracing { note(cpu, "move_ptes", "flush_tlb_range(\(describe(flush))) before the PTLs drop") }
            return invoke(cpu, .flushTLBMMRange(flush), shared: false)
        case .unlockNewPTL:
            call.pc = .unlockOldPTL
            return setNewPTL(cpu, call, owner: nil)
        case .unlockOldPTL:
            let table = state.mms[call.mm].table(of: old)
            touch(.ptl(mm: call.mm, table: table), write: true)
            state.mms[call.mm].ptlOwners[table] = nil
            if isTracing { note(cpu, "move_ptes", "pte_unmap_unlock(old ptl of table \(table))") }
            call.extent = extentEnd(call)
            call.forceFlush = false
            if call.extent < call.range.count {
                call.pc = .lockOldPTL
            } else {
                call.pc = call.movedPresent && !scheme.mremapFlushesUnderPTL ? .lateFlush : .unmapOld
            }
            return .shared
        case .lateFlush:
            // The mutant: one flush_tlb_range() of the whole old range after move_page_tables()'s
            // loop, as before eb66ae030829 ("mremap: properly flush TLB before releasing the
            // page", 4.20): the PTLs are free already.
            call.pc = .unmapOld
            let flush = FlushTLBMMRangeCall(
                mm: call.mm, start: call.range.start, end: call.range.end,
                freedTables: scheme.flushTLBRangeFreesTables)
            if isTracing { note(cpu, "move_page_tables", "flush_tlb_range(\(describe(flush))) after the PTLs dropped") }
            return invoke(cpu, .flushTLBMMRange(flush), shared: false)
        case .unmapOld:
            // move_vma(): do_vmi_munmap(&vmi, mm, old_addr, old_len, uf_unmap, false).
            var munmap = PTEBatchCall(kind: .munmap, range: call.range, thread: call.thread, op: call.op, mm: call.mm)
            munmap.holdsMmapLock = true
            call.pc = .unlockMmap
            return invoke(cpu, .pteBatch(munmap), shared: false)
        case .unlockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            state.mms[call.mm].mmapLock.isWriteLocked = false
            if isTracing { note(cpu, "mremap", "mmap_write_unlock; returns to user") }
            // The old range's translations, and those of whatever the destination held, are gone
            // for the caller.
            reachCoherencePoint(mm: call.mm, range: call.range, thread: call.thread, op: call.op, promisesGone: true)
            reachCoherencePoint(
                mm: call.mm, range: PageRange(call.destination, call.destination + call.range.count),
                thread: call.thread, op: call.op, promisesGone: true)
            finishOperation(call.thread)
            return .ret(shared: true)
        }
    }

    /// Takes (`owner` the CPU) or drops (`nil`) the current extent's new PTL, when it is not
    /// the old one: `if (new_ptl != old_ptl) spin_lock_nested(new_ptl, ...)` / `spin_unlock()`.
    mutating func setNewPTL(_ cpu: Int, _ call: MremapCall, owner: Int?) -> StepOutcome {
        let oldTable = state.mms[call.mm].table(of: call.range.start + call.extent)
        let table = state.mms[call.mm].table(of: call.newPage(call.extent))
        guard table != oldTable else { return .next }
        touch(.ptl(mm: call.mm, table: table), write: true)
        state.mms[call.mm].ptlOwners[table] = owner
        if isTracing {
            note(cpu, "move_ptes", "\(owner == nil ? "spin_unlock" : "spin_lock_nested")(new ptl of table \(table))")
        }
        return .shared
    }

    /// One past the current extent's last offset: `move_page_tables()`'s `extent`, cut at the
    /// next old and the next new page-table boundary (`get_extent()`).
    func extentEnd(_ call: MremapCall) -> Int {
        let perTable = state.mms[call.mm].ptesPerTable
        let old = call.range.start + call.extent
        let new = call.newPage(call.extent)
        let toOldBoundary = perTable - old % perTable
        let toNewBoundary = perTable - new % perTable
        return min(call.range.count, call.extent + min(toOldBoundary, toNewBoundary))
    }

    /// The next old PTE of the extent to move (`if (pte_none(ptep_get(old_pte))) continue;`), or
    /// the extent's flush, or its unlocks.
    func nextMove(after offset: Int?, in call: MremapCall) -> MremapCall.PC {
        let space = state.mms[call.mm]
        let first = offset.map { $0 + 1 } ?? call.extent
        for next in first..<max(first, extentEnd(call)) where space.ptes[call.range.start + next].isSet {
            return .move(offset: next)
        }
        return call.forceFlush && scheme.mremapFlushesUnderPTL ? .flush : .unlockNewPTL
    }

    /// `pte = ptep_get_and_clear(mm, old_addr, old_pte)`, `if (pte_present(pte)) force_flush =
    /// true;` (x86's `pte_present()` includes PROT_NONE), `set_pte_at(mm, new_addr, new_pte, pte)`.
    mutating func movePTE(_ cpu: Int, offset: Int, call: inout MremapCall) {
        let oldPage = call.range.start + offset
        let newPage = call.newPage(offset)
        touch(.page(mm: call.mm, page: oldPage), write: true)
        touch(.page(mm: call.mm, page: newPage), write: true)
        let pte = state.mms[call.mm].ptes[oldPage]
        state.mms[call.mm].ptes[oldPage] = .none
        state.mms[call.mm].ptes[newPage] = pte
        hookPageTable(mm: call.mm, page: newPage)
        openRevocation(mm: call.mm, page: oldPage, removesTranslation: true, thread: call.thread, op: call.op)
        if pte.isPresent || pte.isProtNone {
            call.forceFlush = true
            call.movedPresent = true
        }
        if pte.isMigrationEntry { followMigration(mm: call.mm, from: oldPage, to: newPage) }
        if isTracing { note(cpu, "move_ptes", "pte(\(oldPage)) -> pte(\(newPage))") }
    }

    /// A migration entry moved: `remove_migration_ptes()` finds it at its new address through the
    /// rmap (the anon_vma's VMAs and the entry's pfn), so the migration in flight now remaps the
    /// new page. The model's migration names its page, so the move renames it.
    mutating func followMigration(mm: Int, from oldPage: Int, to newPage: Int) {
        for cpu in state.cpus.indices {
            for index in state.cpus[cpu].stack.indices {
                guard case .migrate(var migration) = state.cpus[cpu].stack[index],
                    migration.mm == mm, migration.page == oldPage
                else { continue }
                migration.page = newPage
                state.cpus[cpu].stack[index] = .migrate(migration)
            }
        }
    }
}
