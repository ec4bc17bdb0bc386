/// One activation record of a kernel path: which function, where in it, and its locals.
///
/// Every path is a step machine: each step performs at most one access to state another CPU
/// can see (see DESIGN.md), so the engines can interleave CPUs between any two such accesses.
public enum KernelCall: Hashable, Sendable {
    /// munmap, madvise(MADV_DONTNEED) or mprotect through an `mmu_gather`.
    case pteBatch(PTEBatchCall)
    /// `migrate_pages()` of one page, its unmap's flush batched.
    case migrate(UnmapCall)
    /// Reclaim of one page with the flush batched (`shrink_folio_list()`).
    case reclaim(UnmapCall)
    /// `fork()`'s `dup_mmap()`.
    case fork(ForkCall)
    /// `mremap()` of an anonymous range to a fixed destination.
    case mremap(MremapCall)
    /// `madvise(MADV_COLLAPSE)`: `collapse_huge_page()` of one page table's range.
    case collapse(CollapseCall)
    /// `__split_huge_pmd()`: a huge PMD replaced by its page table.
    case split(SplitCall)
    /// `handle_mm_fault()` for a page with no usable PTE.
    case fault(FaultCall)
    /// `flush_tlb_mm_range()`.
    case flushTLBMMRange(FlushTLBMMRangeCall)
    /// `flush_tlb_func()`, run locally by the initiator or as the IPI handler.
    case flushTLBFunc(FlushTLBFuncCall)
    /// `switch_mm_irqs_off()`.
    case switchMM(SwitchMMCall)
    /// `enter_lazy_tlb()`.
    case enterLazyTLB

    /// Whether interrupts are enabled while this call is innermost.
    public var irqsEnabled: Bool {
        switch self {
        case .pteBatch, .migrate, .reclaim, .fork, .mremap, .collapse, .split, .fault, .flushTLBMMRange, .enterLazyTLB:
            true
        case .flushTLBFunc, .switchMM: false
        }
    }

    /// Whether the step this call runs next can be a left mover of Lipton's reduction
    /// (``World/performFusingMovers(_:)``, which still runs it on a copy to be sure): a step that
    /// only releases a lock starts at an `unlock...` program counter or at one whose work can be
    /// skipped on the way to one (a step ends at its one shared access, so it runs on through
    /// program counters, and calls, that make none), and one that only returns into a blocked
    /// `csd_lock_wait()` is the local `flush_tlb_func()`'s last or `flush_tlb_multi()` skipping
    /// `run_local` (`.runLocal`); one that touches nothing shared is `switch_mm_irqs_off()`'s
    /// `.branch` or `.readGen` on the way to `init_mm`. Missing one would only fuse less; `WorldMoverTests` holds it to
    /// every step the copy tells a left mover. ``World/nextStepMayMoveLeft(_:)`` sharpens it with
    /// what the scheme decides.
    var nextStepMayMoveLeft: Bool {
        switch self {
        case .pteBatch(let c):
            if case .unlockPTL = c.pc { return true }
            // The unlock of a system call is also its return, whose coherence point writes the
            // range's PTE marks (mremap's too, where its munmap returns into it): a lone release
            // only in NUMA hinting, whose return nobody waits for.
            if case .numaHint = c.kind { return c.pc == .unlockMmap }
            return false
        case .migrate(let c), .reclaim(let c): return c.pc == .unlockPTL
        case .fork(let c): return c.pc == .unlockMmap
        // `.flush` where no flush is due goes on to the unlock in the same step.
        case .mremap(let c):
            switch c.pc {
            case .flush, .unlockNewPTL, .unlockOldPTL, .unlockMmap: return true
            default: return false
            }
        case .collapse(let c): return c.pc == .unlockPMD || c.pc == .unlockMmap
        case .fault(let c): return c.pc == .unlockMmap
        // `.finish` returns into its caller, which can release a lock next in the same step; so
        // can `.incGen` where the scheme has nothing to flush.
        case .flushTLBMMRange(let c): return c.pc == .runLocal || c.pc == .finish || c.pc == .incGen
        // The local flush returns into the wait from wherever it has nothing left to do.
        case .flushTLBFunc(let c): return c.isLocal
        // switch_mm_irqs_off() to init_mm (a lazy CPU's flush IPI handler) after the cpumask
        // write, or where the lazy mm_cpumask leaves it (6.14): choose_new_asid() and the CR3
        // load touch nothing but the CPU's own state.
        case .switchMM(let c): return c.next == initMM && (c.pc == .branch || c.pc == .readGen)
        case .split, .enterLazyTLB: return false
        }
    }

    /// Whether this is `flush_tlb_mm_range()`.
    public var isFlushTLBMMRange: Bool {
        if case .flushTLBMMRange = self { return true }
        return false
    }

    /// The kernel function this call models, for timelines.
    public var functionName: String {
        switch self {
        case .pteBatch(let call): call.kind.syscallName
        case .migrate: "migrate_pages"
        case .reclaim: "shrink_folio_list"
        case .fork: "dup_mmap"
        case .mremap: "mremap"
        case .collapse: "collapse_huge_page"
        case .split: "__split_huge_pmd"
        case .fault: "handle_mm_fault"
        case .flushTLBMMRange: "flush_tlb_mm_range"
        case .flushTLBFunc: "flush_tlb_func"
        case .switchMM: "switch_mm_irqs_off"
        case .enterLazyTLB: "enter_lazy_tlb"
        }
    }
}

/// What a step of a call did, as the step loop needs to know it.
enum StepOutcome {
    /// Only CPU-local work: run the next step of the same CPU at once. The next step must not
    /// be one that can wait (a lock, acknowledgements): when it blocks, `runCalls` does not
    /// write the running copy of the call back, so this step's changes to its call are lost
    /// (its changes to the machine are not) and it runs again.
    case next
    /// One shared access: the action ends here.
    case shared
    /// A call: the callee is on the stack above the caller (``World/invoke(_:_:shared:)``);
    /// `shared` tells whether this step already made its shared access.
    case call(shared: Bool)
    /// Return to the caller; `shared` as above.
    case ret(shared: Bool)
}

/// `struct mmu_gather`: the range to flush (the pages to free after the flush are the CPU's
/// ``CPU/gatherFrames``).
public struct MMUGather: Hashable, Sendable {
    // Pages fit 32 bits: calls stay small, and calls are copied on every step.
    private var _start = Int32.max
    private var _end: Int32 = 0
    /// Lowest page cleared; `start` of the gather (`Int.max` before the first).
    public var start: Int { _start == .max ? .max : Int(_start) }
    /// One past the highest page cleared.
    public var end: Int { Int(_end) }
    /// `fullmm`: flush the whole mm.
    public var isFullMM = false
    /// `freed_tables`.
    public var freedTables = false
    /// `cleared_ptes`: a PTE was cleared or changed.
    public var clearedPTEs = false
    /// `cleared_pmds`: a huge PMD was cleared or changed, or a page table freed
    /// (`pte_free_tlb()` is `tlb_flush_pmd_range()`).
    public var clearedPMDs = false

    /// `tlb_flush_pte_range()`: widens the range to cover `page`.
    mutating func add(page: Int) {
        widen(to: page..<page + 1)
        clearedPTEs = true
    }

    /// `tlb_flush_pmd_range()`: widens the range to cover `pages`.
    mutating func add(pmdRange pages: Range<Int>) {
        widen(to: pages)
        clearedPMDs = true
    }

    private mutating func widen(to pages: Range<Int>) {
        _start = min(_start, Int32(pages.lowerBound))
        _end = max(_end, Int32(pages.upperBound))
    }

    /// `tlb_get_unmap_shift()` as a stride in pages: `PAGE_SHIFT` if any PTE was cleared, else
    /// `PMD_SHIFT` (a page table's pages) if a PMD was.
    func stride(ptesPerTable: Int) -> Int { clearedPMDs && !clearedPTEs ? ptesPerTable : 1 }

    /// Whether any PTE was cleared or changed (`cleared_ptes`).
    public var hasRange: Bool { end > 0 }
}

/// PTE changes in batch: munmap, madvise(MADV_DONTNEED), mprotect, and NUMA hinting.
public struct PTEBatchCall: Hashable, Sendable {
    /// Which operation.
    public enum Kind: Hashable, Sendable {
        case munmap
        case madviseDontNeed
        case mprotect(Protection)
        /// `change_prot_numa()` from `task_numa_work()`: present PTEs become PROT_NONE so the
        /// next access takes a NUMA hinting fault; the flush is deferred to the end.
        case numaHint

        var syscallName: String {
            switch self {
            case .munmap: "munmap"
            case .madviseDontNeed: "madvise"
            case .mprotect: "mprotect"
            case .numaHint: "change_prot_numa"
            }
        }

        /// munmap and mprotect take `mmap_lock` for writing; madvise(MADV_DONTNEED) and
        /// `task_numa_work()` for reading.
        var takesMmapLockForWrite: Bool {
            switch self {
            case .munmap, .mprotect: true
            case .madviseDontNeed, .numaHint: false
            }
        }
    }

    /// Where the call is.
    public enum PC: Hashable, Sendable {
        case lockMmap, downgrade, gather
        case lockPTL(table: Int)
        /// `flush_tlb_batched_pending()`: read `mm->tlb_flush_batched`; after its
        /// `flush_tlb_mm()`, record the flush (`atomic_cmpxchg`).
        case batchedPending(table: Int)
        case batchedFlushed(table: Int)
        case change(page: Int)
        /// A huge PMD the range covers whole (`zap_huge_pmd()`, `change_huge_pmd()`), under
        /// `pmd_lock()` (the table's PTL in the model).
        case hugePMD(table: Int)
        /// RFC 15's `tlb_end_ptes()`: `read_defer_tlb_flush_gen()`, then `inc_mm_tlb_gen()`,
        /// then `store_deferred_tlb_gen()`.
        case readDeferGen(table: Int)
        case incDeferGen(table: Int)
        case storeDeferGen(table: Int)
        case unlockPTL(table: Int)
        /// `tlb_finish_mmu()`: the nested check; then (RFC 15) `tlb_flush()` reading
        /// `tlb_gen_completed`.
        case finish, tlbFlush
        case free
        case decPending, unlockMmap
    }

    public var kind: Kind
    // Narrow fields first, so that they share a word: frames are copied on every step.
    private let _thread: UInt8
    private let _op: UInt16
    private let _mm: UInt8
    /// `tlb->cleared_ptes_in_table` (RFC 15): a PTE of the current page table needs a flush.
    public var clearedInTable = false
    /// `dec_tlb_flush_pending()` already ran (the early-dec-pending mutant only).
    public var isPendingDropped = false
    public var range: PageRange
    public var pc: PC = .lockMmap
    public var gather = MMUGather()
    /// `tlb->defer_gen` (RFC 15): the generation this gather took last, 0 before the first.
    public var deferGen: UInt64 = 0
    /// `mm->tlb_flush_batched` as `flush_tlb_batched_pending()` read it before flushing.
    public var batchedSeen = TLBFlushBatched()
    /// The page tables `free_pgtables()` frees (unhooks after the zap, frees after the flush),
    /// a bit each, among those the model tracks (``AddressSpace/freeableTables``).
    public var tablesToFree: UInt64 = 0
    /// Run by `mremap()`'s `move_vma()` as `do_vmi_munmap(..., unlock = false)`: `mmap_lock` is
    /// already held for writing and stays held (no downgrade, no unlock, no return to user).
    public var holdsMmapLock = false

    /// The call of `kind` over `range` of `mm`, made by `thread` as operation `op` of its
    /// script.
    public init(kind: Kind, range: PageRange, thread: Int, op: Int, mm: Int) {
        self.kind = kind
        self.range = range
        _thread = UInt8(thread)
        _op = UInt16(op)
        _mm = UInt8(mm)
    }

    /// The thread making the call (for revocations).
    public var thread: Int { Int(_thread) }
    /// The index of the operation in the thread's script (for revocations).
    public var op: Int { Int(_op) }
    /// The address space.
    public var mm: Int { Int(_mm) }
}

/// One page unmapped through the rmap with its flush batched (`TTU_BATCH_FLUSH`), as reclaim
/// and migration both do in 6.6: `try_to_unmap_one()` (reclaim: `shrink_folio_list()`, as kswapd
/// or `MADV_PAGEOUT` runs it) or `try_to_migrate_one()` (migration: `migrate_pages()`'s first,
/// `MIGRATE_ASYNC` pass, `migrate_pages_batch()`, 7e12beb8ca2a) clears the PTE under the PTL with
/// the flush batched when other CPUs may cache the mm, `try_to_unmap_flush()` flushes the batch,
/// and only then is the frame freed (reclaim) or copied, remapped and freed (migration).
public struct UnmapCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable {
        case lockPTL, shouldDefer, clear, accessible, incGen, orMask, markBatched, unlockPTL, flush
        /// Reclaim's tail.
        case free
        /// Migration's tail: `move_to_new_folio()`, `remove_migration_ptes()`, the old folio freed.
        case copy, remap, freeOld
    }
    public var page: Int
    public var thread: Int
    public var op: Int
    public var mm: Int
    /// Migration (a migration entry replaces the PTE, the page is copied); else reclaim.
    public var migrates: Bool
    public var pc: PC = .lockPTL
    /// `should_defer_flush()`: other CPUs may cache the mm, so the flush is batched.
    public var isDeferred = false
    /// The PTE `ptep_get_and_clear()` took out.
    public var old = PTE.none
    /// `tlb_ubc->flush_required`.
    public var isFlushRequired = false
    /// The generation `arch_tlbbatch_add_pending()` took.
    public var gen: UInt64 = 0
    /// The frame a migrated page moves to.
    public var newFrame: Int?
    /// Migration's synchronous fallback (`migrate_pages_batch(MIGRATE_SYNC)`): `try_to_migrate()`
    /// without `TTU_BATCH_FLUSH`, so `should_defer_flush()` says no without reading the cpumask
    /// and the PTE goes with `ptep_clear_flush()`.
    public var isSynchronous = false

    /// Reclaim (`migrates` false) or migration of `page` of `mm`, operation `op` of `thread`.
    public init(page: Int, thread: Int, op: Int, mm: Int, migrates: Bool) {
        self.page = page
        self.thread = thread
        self.op = op
        self.mm = mm
        self.migrates = migrates
    }
}

/// `fork()`'s `dup_mmap()` (kernel/fork.c): with both `mmap_lock`s held for writing, copy the
/// VMAs, then each PTE (`copy_present_pte()`: a private writable page is write-protected in
/// the parent and mapped read-only in the child, one more reference to its frame), then
/// `flush_tlb_mm(oldmm)` before the parent's lock is dropped.
public struct ForkCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable {
        case lockMmap
        case copy(page: Int)
        case flush, unlockMmap
    }
    public var child: Int
    public var thread: Int
    public var op: Int
    public var mm: Int
    public var pc: PC = .lockMmap
}

/// `mremap()` with `MREMAP_MAYMOVE | MREMAP_FIXED` of an anonymous range (mm/mremap.c, 6.6):
/// `mremap_to()` -> `move_vma()`: `copy_vma()`, then `move_page_tables()`, which moves the PTEs
/// one extent (up to the next old or new page-table boundary) at a time in `move_ptes()`, and
/// `do_vmi_munmap()` of the old range, all under `mmap_lock` held for writing.
public struct MremapCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable {
        case lockMmap
        /// `do_munmap()` of the destination (`MREMAP_FIXED`), then `vma_to_resize()`.
        case unmapDestination, checkSource
        case lockOldPTL, lockNewPTL
        case batchedPending, batchedFlushed
        /// `ptep_get_and_clear()` of the old PTE at this offset and `set_pte_at()` of the new.
        case move(offset: Int)
        case flush
        case unlockNewPTL, unlockOldPTL
        /// The `linux~mremap-flush-unlocked` mutant's one flush after every extent.
        case lateFlush
        case unmapOld, unlockMmap
    }
    /// The old range.
    public var range: PageRange
    /// The first page of the new range.
    public var destination: Int
    public var thread: Int
    public var op: Int
    public var mm: Int
    public var pc: PC = .lockMmap
    /// The current extent's first offset into the range.
    public var extent = 0
    /// `force_flush` of the current extent: a present PTE was moved.
    public var forceFlush = false
    /// A present PTE was moved in some extent (the mutant flushes after all of them).
    public var movedPresent = false
    /// `mm->tlb_flush_batched` as `flush_tlb_batched_pending()` read it before flushing.
    public var batchedSeen = TLBFlushBatched()

    /// The new page of the old page at `offset` into the range.
    public func newPage(_ offset: Int) -> Int { destination + offset }
}

/// The anonymous-page fault path.
public struct FaultCall: Hashable, Sendable {
    /// `cowInstall`: `wp_page_copy()` after its `ptep_clear_flush()`, still under the PTL.
    public enum PC: Hashable, Sendable, CaseIterable { case lockMmap, install, cowInstall, unlockMmap }
    public var page: Int
    public var write: Bool
    public var thread: Int
    public var mm: Int
    public var pc: PC = .lockMmap
    /// Copy on write: the shared frame being replaced and its private copy.
    public var oldFrame: Int?
    public var newFrame: Int?
    /// The access is not allowed (no VMA or protection): SIGSEGV after unlocking.
    public var isSegfault = false
}

/// `flush_tlb_mm_range()` with `flush_tlb_multi()` and `smp_call_function_many_cond()` inlined.
public struct FlushTLBMMRangeCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable {
        case incGen, anyOtherCPU, snapshotMask
        /// A step of the scheme's own that publishes the flush (``Scheme/publishStepCount``).
        case publishStep(Int)
        case target(cpu: Int)
        /// `should_flush_tlb()`'s second read of the target (``Scheme/loadedMMSwitching``).
        case shouldFlush(cpu: Int)
        /// `info->trim_cpumask = should_trim_cpumask(mm)` (scenarios with ``Operation/tick``).
        case shouldTrim
        case queue(cpu: Int)
        case runLocal, wait, localOnly, finish
        /// 6.15 (``Scheme/usesBroadcastInvalidation``): `if (mm_global_asid(mm))
        /// broadcast_tlb_flush(info);`, its INVLPGBs kicked off in the same step.
        case readGlobalASID
        /// `finish_asid_transition()`: `if (!mm_in_asid_transition(mm)) return;`.
        case transitionCheck
        /// `finish_asid_transition()`: `for_each_cpu(cpu, mm_cpumask(mm))` reads the cpumask.
        case transitionMask
        /// `finish_asid_transition()` looking at a CPU of the cpumask: waits while it is
        /// `LOADED_MM_SWITCHING`, then reads its `loaded_mm` and `loaded_mm_asid`.
        case transitionCPU(cpu: Int)
        /// `mm_clear_asid_transition(mm)`: every CPU running the mm uses the global ASID.
        case clearTransition
        /// `__tlbsync()`: the INVLPGBs kicked off complete on every CPU.
        case tlbsync
        /// `native_flush_tlb_multi()` where global ASIDs exist: `mm_in_asid_transition(info->mm)`.
        case multiTransitionCheck
        /// `consider_global_asid(mm)` after `flush_tlb_multi()`: `mm_active_cpus_exceeds()`.
        case considerGlobalASID
        /// `use_global_asid(mm)`, under `global_asid_lock`.
        case useGlobalASID
        /// `arch_tlbbatch_flush()` with INVLPGB: `invlpgb_flush_all_nonglobals()` (INVLPGB of
        /// every non-global translation, then TLBSYNC).
        case invlpgbAll
    }
    public var mm: Int
    public var start: Int
    public var end: Int?
    public var freedTables: Bool
    /// `1 << stride_shift` in pages (``FlushTLBInfo/stride``).
    public var stride: Int {
        get { Int(_stride) }
        set { _stride = UInt16(newValue) }
    }
    // 16 bits (a page table holds at most 65,535 PTEs here): calls are copied on every step.
    private var _stride: UInt16 = 1

    /// `flush_tlb_mm_range(mm, start, end, PAGE_SHIFT, freed_tables)`; `end` `nil` for
    /// `TLB_FLUSH_ALL`.
    init(mm: Int, start: Int, end: Int?, freedTables: Bool) {
        self.mm = mm
        self.start = start
        self.end = end
        self.freedTables = freedTables
    }
    /// `flush_tlb_mm_range_gen()` (RFC 15): the generation to flush to, taken earlier by the
    /// gather; `nil` to bump it now (`inc_mm_tlb_gen()`).
    public var presetGen: UInt64?
    /// `arch_tlbbatch_flush()`: the running task's batch cpumask (``ThreadState/tlbUBC``)
    /// instead of `mm_cpumask(mm)`, and `flush_tlb_info` with no mm and generation 0
    /// (`TLB_GENERATION_INVALID`).
    public var isBatch = false
    /// The generation is taken and not yet published (``Scheme/publish(_:in:cpu:)``).
    public var isUnpublished = false
    /// `should_flush_tlb()`: the target's `loaded_mm`, read first (``Scheme/readsLoadedMMFirst``).
    public var targetLoadedMM: RemoteLoadedMM?
    /// `info->trim_cpumask`: `should_flush_tlb()` also interrupts CPUs running another mm.
    public var trimsCPUMask = false
    public var pc: PC = .incGen

    /// `flush_tlb_page(vma, addr)` = `flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE, PAGE_SHIFT, false)`.
    static func page(_ page: Int, of mm: Int) -> FlushTLBMMRangeCall {
        FlushTLBMMRangeCall(mm: mm, start: page, end: page + 1, freedTables: false)
    }

    /// `flush_tlb_mm(mm)` = `flush_tlb_mm_range(mm, 0UL, TLB_FLUSH_ALL, 0UL, true)`.
    static func wholeMM(_ mm: Int) -> FlushTLBMMRangeCall {
        FlushTLBMMRangeCall(mm: mm, start: 0, end: nil, freedTables: true)
    }
    /// Whether the initiator itself was in the cpumask (`run_local`).
    public var runsLocal = false
    /// `broadcast_tlb_flush()`: the mm had a global ASID, the flush is INVLPGBs (6.15).
    public var isBroadcast = false
    /// `native_flush_tlb_multi()` read `mm_in_asid_transition(info->mm)` true: every CPU of the
    /// mask is interrupted, as when page tables were freed.
    public var inASIDTransition = false

    /// `info->freed_tables || mm_in_asid_transition(info->mm)`: `on_each_cpu_mask()`, no
    /// condition on the targets.
    public var interruptsEveryCPU: Bool { freedTables || inASIDTransition }
}

/// `flush_tlb_func()`.
public struct FlushTLBFuncCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable {
        case start, readGen, ack
        /// 6.15: `if (mm_needs_global_asid(loaded_mm, loaded_mm_asid))` reads the mm's global
        /// ASID; the reload (`switch_mm_irqs_off(NULL, loaded_mm, NULL)`) is a call.
        case globalCheck
        /// Back from that reload: `if (is_global_asid(loaded_mm_asid)) return;`.
        case afterReload
    }
    public var info: FlushTLBInfo
    /// `local`: this CPU initiated the flush (no acknowledgement to send).
    public var isLocal: Bool
    public var pc: PC = .start
}

/// `switch_mm_irqs_off()` with `choose_new_asid()` and `load_new_mm_cr3()` inlined.
public struct SwitchMMCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable {
        case start, clearLazy, branch, sameMMReadGen, clearPrevMask, setNextMask, readGen
        /// `loaded_mm = LOADED_MM_SWITCHING` (``Scheme/loadedMMSwitching``), and the CR3 write
        /// after it when it comes after `choose_new_asid()`.
        case markSwitching, loadCR3
        /// 6.15, same mm: `if (mm_needs_global_asid(next, prev_asid))` reads the global ASID.
        case sameMMGlobalCheck
        /// 6.15: `choose_new_asid()` reads `mm_global_asid(next)` after the `tlb_gen` read.
        case chooseASID
    }
    /// The mm to switch to (``initMM`` for `init_mm`).
    public var next: Int
    public var pc: PC = .start
    public var prev = initMM
    public var prevASID = 0
    public var wasLazy = false
    /// `choose_new_asid()`'s answer, kept for the CR3 write when `LOADED_MM_SWITCHING` is
    /// stored in between (``LoadedMMSwitching/afterGenRead``).
    public var asid = 0
    public var needFlush = false
    public var nextTLBGen: UInt64 = 0
}

/// `madvise(MADV_COLLAPSE)` of one page table's range: `madvise_collapse()` ->
/// `hpage_collapse_scan_pmd()` -> `collapse_huge_page()` (mm/khugepaged.c, 6.6).
public struct CollapseCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable {
        /// `mmap_write_lock()`, the scan, the huge page's allocation.
        case lockMmap
        /// `pmd_lock()`, `pmdp_collapse_flush()`: the PMD cleared and `flush_tlb_range()` called.
        case clearPMD
        /// After the flush: `spin_unlock(pmd_ptl)`.
        case unlockPMD
        /// `__collapse_huge_page_isolate()` and `__collapse_huge_page_copy()` under the PTE lock:
        /// the small pages copied, their PTEs cleared, the pages freed.
        case copy
        /// `pgtable_trans_huge_deposit()` and `set_pmd_at()` of the huge PMD under `pmd_lock()`.
        case install
        case unlockMmap
    }
    /// The page-table page whose range collapses.
    public var table: Int
    /// The thread running MADV_COLLAPSE.
    public var thread: Int
    /// The operation's index in the thread's script.
    public var op: Int
    /// The address space.
    public var mm: Int
    /// Where the call is.
    public var pc: PC = .lockMmap
    // The huge page's frames (`alloc_charge_hpage()`), then the detached table's small pages,
    // wait in the CPU's `gatherFrames` (no gather runs on this CPU meanwhile): a call holds no
    // array, so copying one retains nothing.

    /// The collapse of page table `table` of `mm` by `thread`'s operation `op`.
    public init(table: Int, thread: Int, op: Int, mm: Int) {
        self.table = table
        self.thread = thread
        self.op = op
        self.mm = mm
    }
}

/// `__split_huge_pmd()` of the huge PMD over one page table's range (mm/huge_memory.c, 6.6), for
/// whatever path needs small pages there: a zap, mprotect or NUMA hinting of part of it, reclaim
/// and migration (`TTU_SPLIT_HUGE_PMD`), a write fault on a huge page shared since fork.
public struct SplitCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable {
        /// `pmd_lock()`; if still `pmd_trans_huge()`, `pmdp_invalidate()` and its flush.
        case invalidate
        /// The deposited table filled with the PMD's PTEs, `pmd_populate()`, `spin_unlock()`.
        case populate
    }
    /// The address space.
    public var mm: Int
    /// The page table whose range the huge PMD maps.
    public var table: Int
    /// The thread whose operation splits, and the operation (the split's ghost revocation).
    public var thread: Int
    public var op: Int
    /// Where the call is.
    public var pc: PC = .invalidate
    /// The huge PMD `pmdp_invalidate()` took away: its protection goes to every PTE of the table.
    public var pmd: PTE?

    /// The split of `mm`'s huge PMD over page table `table`, for `thread`'s operation `op`.
    public init(mm: Int, table: Int, thread: Int, op: Int) {
        self.mm = mm
        self.table = table
        self.thread = thread
        self.op = op
    }
}
