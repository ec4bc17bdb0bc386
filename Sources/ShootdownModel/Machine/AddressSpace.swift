/// One address space, `struct mm_struct` with its x86 `mm_context_t`.
///
/// The page table is flat (one PTE per virtual page of the scenario's address space); the
/// page-table lock is one split PTL for it, and `mmap_lock` is a reader-writer semaphore.
public struct AddressSpace: Hashable, Sendable {
    /// `mm->context.ctx_id`: unique, never reused; `init_mm` has 1.
    public var ctxID: UInt64
    /// `mm->context.tlb_gen`: starts at 0, so the first flush generation is 1.
    public var tlbGen: UInt64 = 0
    /// `mm_cpumask(mm)`: CPUs that may hold this mm's TLB entries and get its flush IPIs.
    public var cpumask: CPUMask = .empty
    /// `mm->tlb_flush_pending`: page-table changes whose flush is still in flight.
    public var tlbFlushPending: Int = 0
    /// `mm->tlb_flush_batched` (6.x): reclaim's batched unmaps of this mm, as two counters,
    /// generations of batched flushes set (`pending`) and done (`flushed`).
    public var tlbFlushBatched = TLBFlushBatched()
    /// `mm->tlb_gen_completed` (RFC 08): the newest generation whose flush completed; the
    /// `rfc15` schemes keep it, Linux does not.
    public var tlbGenCompleted: UInt64 = 0
    /// `time_after(jiffies, mm->context.next_trim_cpumask)`: a second passed (``Operation/tick``)
    /// since the last flush that trimmed the cpumask (`should_trim_cpumask()`).
    public var trimDue = false
    /// `mm->context.global_asid` (6.15, ``Scheme/usesBroadcastInvalidation``): the ASID the mm
    /// uses on every CPU, from ``tlbNrDynASIDs`` up, once `use_global_asid()` assigned it; 0 for
    /// none. Held for the mm's lifetime.
    public var globalASID = 0
    /// `mm->context.asid_transition`: the mm has a global ASID and some CPU may still run it on a
    /// dynamic one; `finish_asid_transition()` clears it once none does.
    public var inASIDTransition = false
    /// The page table: one PTE per virtual page.
    public var ptes: [PTE]
    /// The VMAs, per page: `nil` where no VMA covers the page.
    public var vmas: [Protection?]
    /// Which VMA each page belongs to (an index into ``deferTLBGen``): the scenario's `map`
    /// lines in order, then every `mmap` as it happens. A VMA split by mprotect keeps one index
    /// for both halves (as `vm_area_dup()` copies the field, and updates after the split reach both).
    public var vmaIndex: [UInt16]
    /// `vma->defer_tlb_gen` (RFC 15), per VMA: the newest generation of a deferred flush of
    /// PTEs in it.
    public var deferTLBGen: [UInt64] = []
    /// `mmap_lock`.
    public var mmapLock = RWSemaphore()
    /// PTEs per page-table page (512 on x86-64: one PTE page maps 2 MiB).
    public let ptesPerTable: Int
    /// Per page-table page, the CPU holding its split page-table lock (`pte_lockptr()`).
    public var ptlOwners: [Int?]
    /// The page-table pages some run may free (``Scenario/freeablePageTables``), a bit each:
    /// the only ones whose paging-structure-cache entries are tracked.
    public let freeableTables: UInt64
    /// Of those, the ones hooked into the page table now (a PMD entry points at them): from the
    /// first PTE installed in them (`pte_alloc()` in the fault, fork's `copy_pte_range()`,
    /// mremap's `move_page_tables()`) until `free_pgtables()` unhooks them.
    public var hookedTables: UInt64 = 0
    /// Transparent huge pages: a bit per page-table-sized, aligned range (a PMD entry's 2 MiB on
    /// x86) that one VMA with `VM_HUGEPAGE` covers whole (`thp_vma_suitable_order()`), so that a
    /// fault there allocates a huge page. A VMA split (mprotect, munmap of part of it) or
    /// unmapped clears it.
    public var thpTables: UInt64 = 0
    /// Of the ranges, those a huge PMD maps now (`pmd_trans_huge()`): no PTE table hangs below
    /// the PMD (the deposited one is not hooked), every page of the range has the PMD's frame
    /// and protection in ``ptes``, and a walk fills one huge TLB entry for the range.
    public var hugeTables: UInt64 = 0
    /// Of the ranges, those whose PMD points at a page table (split, or faulted in 4 KiB pages
    /// when no huge page could be allocated): a fault there maps 4 KiB pages (the PMD is not
    /// `pmd_none()`) until `free_pgtables()` frees the table.
    public var splitTables: UInt64 = 0

    /// An empty address space of `pages` virtual pages, `ptesPerTable` to a page-table page.
    /// `freeableTables`: the tables whose paging-structure-cache entries to track.
    public init(ctxID: UInt64, pages: Int, ptesPerTable: Int = 512, freeableTables: UInt64 = 0) {
        self.ctxID = ctxID
        self.freeableTables = freeableTables
        self.ptes = Array(repeating: .none, count: pages)
        self.vmas = Array(repeating: nil, count: pages)
        self.vmaIndex = Array(repeating: 0, count: pages)
        self.ptesPerTable = ptesPerTable
        self.ptlOwners = Array(repeating: nil, count: (pages + ptesPerTable - 1) / ptesPerTable)
    }

    /// The page-table page holding `page`'s PTE.
    public func table(of page: Int) -> Int { page / ptesPerTable }

    /// The pages whose PTEs live in page-table page `table`.
    public func pages(inTable table: Int) -> Range<Int> {
        table * ptesPerTable..<min((table + 1) * ptesPerTable, ptes.count)
    }

    /// Whether the PTL of `page`'s page-table page is free.
    public func isPTLFree(for page: Int) -> Bool { ptlOwners[table(of: page)] == nil }

    /// `mm_tlb_flush_pending()`.
    public var isFlushPending: Bool { tlbFlushPending > 0 }
    /// `mm_tlb_flush_nested()`: two or more threads batch PTE changes at once.
    public var isFlushNested: Bool { tlbFlushPending > 1 }

    /// Adds a VMA of `protection` over `range` (the scenario's `map`, or `mmap`).
    public mutating func addVMA(_ range: PageRange, protection: Protection) {
        precondition(deferTLBGen.count < Scenario.maxVMAs, "at most \(Scenario.maxVMAs) VMAs per address space")
        for page in range.start..<range.end {
            vmas[page] = protection
            vmaIndex[page] = UInt16(deferTLBGen.count)
        }
        deferTLBGen.append(0)
    }

    /// Page-table page `table`'s bit in ``freeableTables`` and ``hookedTables`` (0 past
    /// ``Scenario/maxFreeablePageTables``, which no scenario can free).
    public func tableBit(_ table: Int) -> UInt64 {
        table < Scenario.maxFreeablePageTables ? 1 << UInt64(table) : 0
    }

    /// Whether a huge PMD maps the range of page-table page `table` (``hugeTables``): one load
    /// and compare where no huge page is mapped, as on every path of a scenario without them.
    @inline(__always) public func isHuge(table: Int) -> Bool {
        hugeTables != 0 && hugeTables & tableBit(table) != 0
    }

    /// ``isHuge(table:)`` of `page`'s table, which it finds only where a huge page is mapped
    /// (a TLB fill asks on every miss).
    @inline(__always) public func isHuge(page: Int) -> Bool {
        hugeTables != 0 && isHuge(table: table(of: page))
    }

    /// Whether a fault at `page` allocates a huge page: its range is ``thpTables``' and its PMD
    /// is `pmd_none()` (neither huge nor pointing at a page table).
    public func faultsHuge(at page: Int) -> Bool {
        let bit = tableBit(table(of: page))
        return thpTables & bit != 0 && (hugeTables | splitTables) & bit == 0
    }

    /// `pte_alloc()`: hooks the page table holding `page`'s PTE if it is one the model tracks
    /// and is not hooked yet; returns whether it was hooked now.
    public mutating func hookTable(of page: Int) -> Bool {
        let bit = freeableTables & tableBit(table(of: page))
        guard bit != 0, hookedTables & bit == 0 else { return false }
        hookedTables |= bit
        return true
    }
}

/// `mm->tlb_flush_batched` as Linux 6.x encodes it (mm/rmap.c): bits 0-14 count batched
/// flushes set by `set_tlb_ubc_flush_pending()`, bits 16-30 the count that
/// `flush_tlb_batched_pending()` last saw flushed.
public struct TLBFlushBatched: Hashable, Sendable {
    // 32 bits each, as in the kernel's atomic_t (and a frame copies fewer bytes).
    private var _pending: Int32
    private var _flushed: Int32

    /// `TLB_FLUSH_BATCH_PENDING_MASK` part.
    public var pending: Int {
        get { Int(_pending) }
        set { _pending = Int32(newValue) }
    }
    /// `>> TLB_FLUSH_BATCH_FLUSHED_SHIFT` part.
    public var flushed: Int {
        get { Int(_flushed) }
        set { _flushed = Int32(newValue) }
    }

    /// The two counts.
    public init(pending: Int = 0, flushed: Int = 0) {
        _pending = Int32(pending)
        _flushed = Int32(flushed)
    }

    /// Whether a batched flush may still be outstanding (`pending != flushed`).
    public var isOutstanding: Bool { pending != flushed }
}

/// `struct rw_semaphore`, as `mmap_lock` uses it.
public struct RWSemaphore: Hashable, Sendable {
    /// Readers holding the lock.
    public var readers: Int = 0
    /// Whether a writer holds it.
    public var isWriteLocked = false

    /// Whether `down_read` would succeed now.
    public var canRead: Bool { !isWriteLocked }
    /// Whether `down_write` would succeed now.
    public var canWrite: Bool { !isWriteLocked && readers == 0 }
}
