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
    /// The page table: one PTE per virtual page.
    public var ptes: [PTE]
    /// The VMAs, per page: `nil` where no VMA covers the page.
    public var vmas: [Protection?]
    /// `mmap_lock`.
    public var mmapLock = RWSemaphore()
    /// The CPU holding the page-table lock (`pte_lockptr`), if any.
    public var ptlOwner: Int?

    /// An empty address space of `pages` virtual pages.
    public init(ctxID: UInt64, pages: Int) {
        self.ctxID = ctxID
        self.ptes = Array(repeating: .none, count: pages)
        self.vmas = Array(repeating: nil, count: pages)
    }

    /// `mm_tlb_flush_pending()`.
    public var isFlushPending: Bool { tlbFlushPending > 0 }
    /// `mm_tlb_flush_nested()`: two or more threads batch PTE changes at once.
    public var isFlushNested: Bool { tlbFlushPending > 1 }
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
