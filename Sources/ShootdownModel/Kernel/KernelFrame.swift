/// One activation record of a kernel path: which function, where in it, and its locals.
///
/// Every path is a step machine: each step performs at most one access to state another CPU
/// can see (see DESIGN.md), so the engines can interleave CPUs between any two such accesses.
public enum KernelFrame: Hashable, Sendable {
    /// munmap, madvise(MADV_DONTNEED) or mprotect through an `mmu_gather`.
    case pteBatch(PTEBatchCall)
    /// `migrate_pages()` of one page.
    case migrate(MigrateCall)
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

    /// Whether interrupts are enabled while this frame is innermost.
    public var irqsEnabled: Bool {
        switch self {
        case .pteBatch, .migrate, .fault, .flushTLBMMRange, .enterLazyTLB: true
        case .flushTLBFunc, .switchMM: false
        }
    }

    /// The kernel function this frame models, for timelines.
    public var functionName: String {
        switch self {
        case .pteBatch(let call): call.kind.syscallName
        case .migrate: "migrate_pages"
        case .fault: "handle_mm_fault"
        case .flushTLBMMRange: "flush_tlb_mm_range"
        case .flushTLBFunc: "flush_tlb_func"
        case .switchMM: "switch_mm_irqs_off"
        case .enterLazyTLB: "enter_lazy_tlb"
        }
    }
}

/// What a step of a frame did, as the step loop needs to know it.
enum StepOutcome {
    /// Only CPU-local work: run the next step of the same CPU at once.
    case next
    /// One shared access: the action ends here.
    case shared
    /// Call `frame`; `shared` tells whether this step already made its shared access.
    case call(KernelFrame, shared: Bool)
    /// Return to the caller; `shared` as above.
    case ret(shared: Bool)
}

/// `struct mmu_gather`: the range to flush and the frames to free after the flush.
public struct MMUGather: Hashable, Sendable {
    /// Lowest page cleared; `start` of the gather.
    public var start = Int.max
    /// One past the highest page cleared.
    public var end = 0
    /// `fullmm`: flush the whole mm.
    public var isFullMM = false
    /// `freed_tables`.
    public var freedTables = false
    /// Pages queued by `__tlb_remove_page()`, freed by `tlb_flush_mmu_free()` after the flush.
    public var frames: [Int] = []

    /// `tlb_flush_pte_range()`: widens the range to cover `page`.
    mutating func add(page: Int) {
        start = min(start, page)
        end = max(end, page + 1)
    }

    /// Whether any PTE was cleared or changed (`cleared_ptes`).
    public var hasRange: Bool { end > 0 }
}

/// A system call that changes PTEs in batch: munmap, madvise(MADV_DONTNEED), mprotect.
public struct PTEBatchCall: Hashable, Sendable {
    /// Which system call.
    public enum Kind: Hashable, Sendable {
        case munmap
        case madviseDontNeed
        case mprotect(Protection)

        var syscallName: String {
            switch self {
            case .munmap: "munmap"
            case .madviseDontNeed: "madvise"
            case .mprotect: "mprotect"
            }
        }

        /// munmap and mprotect take `mmap_lock` for writing; madvise(MADV_DONTNEED) for reading.
        var takesMmapLockForWrite: Bool {
            if case .madviseDontNeed = self { return false }
            return true
        }
    }

    /// Where the call is.
    public enum PC: Hashable, Sendable {
        case lockMmap, downgrade, gather
        case lockPTL(table: Int)
        case change(page: Int)
        case unlockPTL(table: Int)
        case finish, free
        case decPending, unlockMmap
    }

    public var kind: Kind
    public var range: PageRange
    /// The thread and the index of the operation in its script (for revocations).
    public var thread: Int
    public var op: Int
    public var mm: Int
    public var pc: PC = .lockMmap
    public var gather = MMUGather()
}

/// `migrate_pages()` of one page: `try_to_migrate_one()` -> `ptep_clear_flush()` under the
/// PTL, `move_to_new_folio()` (the copy), `remove_migration_ptes()`, then the old page is freed.
public struct MigrateCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable {
        case lockPTL, clear, checkPending, unlockPTL, copy, remap, freeOld
    }
    public var page: Int
    public var thread: Int
    public var op: Int
    public var mm: Int
    public var pc: PC = .lockPTL
    /// The PTE `ptep_clear_flush()` took out.
    public var old = PTE.none
    /// The frame the page moves to.
    public var newFrame: Int?
}

/// The anonymous-page fault path.
public struct FaultCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable { case lockMmap, install, unlockMmap }
    public var page: Int
    public var write: Bool
    public var thread: Int
    public var mm: Int
    public var pc: PC = .lockMmap
    /// The access is not allowed (no VMA or protection): SIGSEGV after unlocking.
    public var isSegfault = false
}

/// `flush_tlb_mm_range()` with `flush_tlb_multi()` and `smp_call_function_many_cond()` inlined.
public struct FlushTLBMMRangeCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable {
        case incGen, anyOtherCPU, snapshotMask
        case target(cpu: Int)
        case queue(cpu: Int)
        case runLocal, wait, localOnly, finish
    }
    public var mm: Int
    public var start: Int
    public var end: Int?
    public var freedTables: Bool
    public var pc: PC = .incGen
    /// CPUs of `mm_cpumask` other than the initiator, still to consider.
    public var candidates = CPUMask.empty
    /// Whether the initiator itself was in the cpumask (`run_local`).
    public var runsLocal = false
}

/// `flush_tlb_func()`.
public struct FlushTLBFuncCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable { case start, readGen, ack }
    public var info: FlushTLBInfo
    /// `local`: this CPU initiated the flush (no acknowledgement to send).
    public var isLocal: Bool
    public var pc: PC = .start
}

/// `switch_mm_irqs_off()` with `choose_new_asid()` and `load_new_mm_cr3()` inlined.
public struct SwitchMMCall: Hashable, Sendable {
    public enum PC: Hashable, Sendable, CaseIterable {
        case start, clearLazy, branch, sameMMReadGen, clearPrevMask, setNextMask, readGen
    }
    /// The mm to switch to (``initMM`` for `init_mm`).
    public var next: Int
    public var pc: PC = .start
    public var prev = initMM
    public var prevASID = 0
    public var wasLazy = false
}
