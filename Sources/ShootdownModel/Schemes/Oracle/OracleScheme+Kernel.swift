/// The lower bounds' plans at tlb.c's decision points (``Scheme``): both read the safety
/// safety oracle's marks on TLB entries, which no real kernel can.
extension OracleScheme {
    /// `oracle-hw` removed the stale entries with the PTE changes: nothing to flush. `oracle-sw`
    /// takes no generation: it knows where the stale entries are.
    public var flushStart: FlushStart { kind == .hardware ? .nothingToFlush : .withoutGeneration }

    /// `oracle-sw` interrupts only a CPU that runs the mm and holds a stale entry of the range.
    public static func skipReason(target: Int, of call: FlushTLBMMRangeCall, in world: World<OracleScheme>)
        -> String?
    {
        guard world.scheme.kind == .software else { return nil }
        let cpu = world.state.cpus[target]
        let holds =
            cpu.tlbState.loadedMM == call.mm
            && (cpu.tlb.holdsStaleEntry(mm: call.mm, range: call.end.map { PageRange(call.start, $0) })
                || call.freedTables && cpu.pagingStructures.holdsDangling(tag: world.loadedTag(target)))
        return holds ? nil : "holds no stale entry"
    }

    /// `oracle-sw` invalidates exactly the stale entries of the range, nothing else.
    public static func handlesWithoutGenerations(
        _ info: FlushTLBInfo, in world: inout World<OracleScheme>, cpu: Int, asid: Int, isLocal: Bool
    ) -> Bool {
        guard world.scheme.kind == .software else { return false }
        let pages = world.state.cpus[cpu].tlb.removeStaleEntries(
            asid: asid, range: info.end.map { PageRange(info.start, $0) })
        if pages > 0 { world.countRanged(pages: pages, isLocal: isLocal) }
        // Its INVLPGs, or one for entries of unhooked page tables, drop them.
        if pages > 0 || world.state.cpus[cpu].pagingStructures.holdsDangling(tag: world.loadedTag(cpu)) {
            world.flushPagingStructures(cpu, asid: asid)
        }
        if world.isTracing { world.note(cpu, "flush_tlb_func", "oracle-sw: \(pages) stale entries dropped") }
        return true
    }

    /// `oracle-sw`: a CPU switching to an mm drops exactly its stale entries of it, and its
    /// paging-structure entries if one points at an unhooked or freed page table.
    public static func switchedWithoutFlush(in world: inout World<OracleScheme>, cpu: Int, asid: Int) {
        guard world.scheme.kind == .software else { return }
        if world.state.cpus[cpu].pagingStructures.holdsDangling(tag: world.state.cpus[cpu].tlb.tag(asid)) {
            world.flushPagingStructures(cpu, asid: asid)
        }
        let pages = world.state.cpus[cpu].tlb.removeStaleEntries(asid: asid, range: nil)
        guard pages > 0 else { return }
        world.counters.pagesInvalidated += pages
        world.counters.rangedFlushesSwitch += 1
    }

    /// `oracle-hw`: stale entries vanish, at no cost, at the last moment the kernel allows them:
    /// when their revocation comes due, and paging-structure entries when their table is freed.
    /// Both decide flushes by the entries the TLBs hold.
    public static var readsTLBEntries: Bool { true }

    public static func revocationsCameDue(in world: inout World<OracleScheme>, cpu: Int) {
        guard world.scheme.kind == .hardware else { return }
        world.state.cpus[cpu].tlb.removeDueEntries()
        world.state.cpus[cpu].pagingStructures.dropFreed()
    }
}
