/// One step of a thread's script: a user access, a system call, or a scheduling hint.
public enum Operation: Hashable, Sendable {
    /// A load or store to a page; a TLB miss walks the page table, a fault runs the fault path.
    case access(page: Int, write: Bool)
    /// `munmap(range)`: unmaps the pages, frees their frames and, when no VMA is left in the
    /// page-table page, the page table.
    case munmap(PageRange)
    /// `madvise(range, MADV_DONTNEED)`: zaps the pages, keeping the VMA.
    case madviseDontNeed(PageRange)
    /// `mprotect(range, prot)`.
    case mprotect(PageRange, Protection)
    /// `mmap(range, prot)` with `MAP_FIXED`: new anonymous VMA, populated on first touch.
    case mmap(PageRange, Protection)
    /// Migrates the page to a new frame (`migrate_pages()`'s asynchronous batch pass): a
    /// migration entry with the flush batched (`try_to_migrate(TTU_BATCH_FLUSH)`), or
    /// `ptep_clear_flush()` when no other CPU has the mm; `try_to_unmap_flush()`; copy, remap,
    /// free the old frame. `synchronous`: the fallback for a folio that pass could not take
    /// (`migrate_pages_sync()` -> `migrate_pages_batch(MIGRATE_SYNC)`: `try_to_migrate(src, 0)`,
    /// so `ptep_clear_flush()`, a one-page flush with its generation, under the PTL).
    case migrate(page: Int, synchronous: Bool = false)
    /// NUMA hinting (`task_numa_work()` -> `change_prot_numa()`): present PTEs of the range
    /// become PROT_NONE, the flush deferred to the end of the batch; the next access takes a
    /// hinting fault (`do_numa_page()`) that restores the PTE.
    case numaHint(PageRange)
    /// `fork()` into the address space `mm` (declared, still empty): `dup_mmap()` copies the
    /// VMAs and PTEs, write-protecting both sides of every private writable page (copy on
    /// write), then `flush_tlb_mm()` of the parent.
    case fork(mm: Int)
    /// `mremap(range, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to)`: moves the VMA and its PTEs
    /// to the pages from `to` on (`move_page_tables()`), flushing the old range under both
    /// page-table locks, then unmaps the old range. The destination must hold no VMA (the model
    /// does not run the `do_munmap()` of a mapped destination: the call then fails).
    case mremap(PageRange, to: Int)
    /// `madvise(range, MADV_COLLAPSE)` of one whole page table's range (`madvise_collapse()` ->
    /// `collapse_huge_page()`), or khugepaged's collapse of it in a kernel thread with the mm as
    /// its `target`, from a CPU that does not run the mm: the PTEs are detached
    /// from the PMD with `pmdp_collapse_flush()`, the small pages copied into a huge page and
    /// freed, and a huge PMD installed with the old page table deposited under it.
    case collapse(PageRange)
    /// Reclaims the page (`shrink_folio_list()`): unmapped with the flush batched
    /// (`try_to_unmap_one()`, `set_tlb_ubc_flush_pending()`), flushed by `try_to_unmap_flush()`,
    /// then freed. The next access faults a new page in.
    case reclaim(page: Int)
    /// `sched_yield()`: lets another runnable thread of this CPU run.
    case yield
    /// Sleeps briefly: the CPU runs its idle task (lazy TLB mode) before this thread resumes.
    case sleep
    /// Blocks (futex wait) until the event is signalled; the CPU runs something else meanwhile.
    case wait(event: Int)
    /// Busy-waits in user mode until the event is signalled; the CPU stays in this mm.
    case spin(event: Int)
    /// Signals an event (futex wake).
    case signal(event: Int)
    /// Kernel-thread work: one step in kernel mode that touches no user memory.
    case work
    /// More than a second passes (`jiffies` advance beyond `HZ`): every mm's
    /// `next_trim_cpumask` falls due, so the next flush of each through `flush_tlb_multi()`
    /// sets `trim_cpumask` (`should_trim_cpumask()`, stable 6.6.y and 6.14+) and
    /// `should_flush_tlb()` interrupts the CPUs of the cpumask that run another mm. No other
    /// kernel the model follows reads the time.
    case tick
}

/// A half-open range of virtual pages.
public struct PageRange: Hashable, Sendable, CustomStringConvertible {
    /// The first page.
    public var start: Int
    /// One past the last page.
    public var end: Int

    /// The pages `start..<end`.
    public init(_ start: Int, _ end: Int) {
        precondition(start < end, "empty page range")
        self.start = start
        self.end = end
    }

    /// The number of pages.
    public var count: Int { end - start }
    /// Whether `page` lies in the range.
    public func contains(_ page: Int) -> Bool { page >= start && page < end }

    public var description: String { count == 1 ? "\(start)" : "\(start)-\(end - 1)" }
}
