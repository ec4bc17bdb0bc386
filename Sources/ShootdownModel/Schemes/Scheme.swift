/// A TLB flush-tracking scheme: the decisions in which schemes differ, called from the
/// kernel paths (``World``) at the points where `arch/x86/mm/tlb.c` makes them.
///
/// The world is generic over its scheme, so every call here is statically dispatched.
/// Schemes are values: a mutant is the same type with a ``mutation`` set.
///
/// Every decision but ``name`` has a default: Linux 6.6's answer (``LinuxScheme`` unmutated). A
/// new scheme implements only the decisions it changes (docs/writing-a-scheme.md).
public protocol Scheme: Hashable, Sendable {
    /// The name as the command line spells it, e.g. `linux` or `linux~no-ipi`.
    var name: String { get }

    /// `tlb_single_page_flush_ceiling`: ranges of more pages become a full flush.
    var flushCeiling: Int { get }

    /// Whether `native_flush_tlb_multi()` interrupts a CPU of the mm's cpumask.
    /// - Parameters:
    ///   - targetIsLazy: the target's `cpu_tlbstate_shared.is_lazy`, as read by the initiator.
    ///   - freedTables: the flush's `freed_tables`.
    func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool

    /// `flush_tlb_func()`'s early exit before reading the mm's generation.
    func isAlreadyCovered(newTLBGen: UInt64, localTLBGen: UInt64) -> Bool

    /// `flush_tlb_func()`'s choice between a ranged and a full flush, once it has read `mm_tlb_gen`
    /// and found the CPU behind.
    func flushKind(_ info: FlushTLBInfo, localTLBGen: UInt64, mmTLBGen: UInt64) -> FlushKind

    /// `switch_mm_irqs_off()` returning from lazy mode to the same mm: whether the TLB is
    /// up to date, so no flush is needed.
    func lazyReturnIsCurrent(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool

    /// `choose_new_asid()` finding the mm's ASID slot: whether the slot must be flushed.
    func asidNeedsFlush(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool

    /// `tlb_finish_mmu()`: whether a nested batch (`mm_tlb_flush_nested()`) forces a full flush.
    var flushesWhenNested: Bool { get }

    /// `tlb_finish_mmu()`: whether the gathered pages are freed before the flush (a mutant only:
    /// the kernel always flushes first).
    var freesBeforeFlush: Bool { get }

    /// `smp_call_function_many_cond()`: whether the initiator waits for every acknowledgement
    /// (`SCF_WAIT`, always in the kernel's TLB flushes).
    var waitsForAcknowledgements: Bool { get }

    /// `tlb_finish_mmu()`: whether `dec_tlb_flush_pending()` comes before the flush (a mutant
    /// only: the kernel decrements after it).
    var decrementsPendingBeforeFlush: Bool { get }

    /// `flush_tlb_batched_pending()` under the PTL: whether reclaim's batched flush must be
    /// done first.
    func flushesBatchedPending(_ batched: TLBFlushBatched) -> Bool

    /// The value `mm->context.tlb_gen` (and each CPU's generation for it) starts at.
    var initialTLBGen: UInt64 { get }

    /// Whether a gather of this kind takes a generation per page table it changed and flushes
    /// with the last one (RFC 15's `tlb_end_ptes()`, the ring's deferred changes).
    func takesGenerationPerTable(_ kind: PTEBatchCall.Kind) -> Bool

    /// Whether `tlb_gen_completed` is kept (RFC 08) and a gather's flush may be skipped for it.
    var keepsCompletedGeneration: Bool { get }

    /// The per-mm flush ring, for the ring schemes; `nil` where `flush_tlb_info` carries the range.
    var ring: RingScheme? { get }

    /// The lower bound this scheme stands for, for the oracle schemes; `nil` for real schemes.
    var oracle: OracleScheme.Kind? { get }

    /// `read_defer_tlb_flush_gen()`: whether to bump `tlb_gen` for this page table's changes.
    func bumpsDeferredGeneration(mmTLBGen: UInt64, deferGen: UInt64) -> Bool

    /// `pte_accessible()` of a PROT_NONE PTE: whether its old translation may still be cached.
    func protNoneMayBeCached(flushPending: Bool, vmaDeferTLBGen: UInt64, completed: UInt64) -> Bool

    /// The RFC's `tlb_flush()`: whether the gather's flush is already covered by a newer one.
    func skipsGatherFlush(deferGen: UInt64, completed: UInt64, freedTables: Bool) -> Bool
}

/// Linux 6.6's decisions, for every scheme that does not make its own: each asks an unmutated
/// ``LinuxScheme``.
extension Scheme {
    public var flushCeiling: Int { LinuxScheme.kernel.flushCeiling }

    public func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool {
        LinuxScheme.kernel.sendsIPI(targetIsLazy: targetIsLazy, freedTables: freedTables)
    }

    public func isAlreadyCovered(newTLBGen: UInt64, localTLBGen: UInt64) -> Bool {
        LinuxScheme.kernel.isAlreadyCovered(newTLBGen: newTLBGen, localTLBGen: localTLBGen)
    }

    public func flushKind(_ info: FlushTLBInfo, localTLBGen: UInt64, mmTLBGen: UInt64) -> FlushKind {
        LinuxScheme.kernel.flushKind(info, localTLBGen: localTLBGen, mmTLBGen: mmTLBGen)
    }

    public func lazyReturnIsCurrent(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        LinuxScheme.kernel.lazyReturnIsCurrent(localTLBGen: localTLBGen, mmTLBGen: mmTLBGen)
    }

    public func asidNeedsFlush(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        LinuxScheme.kernel.asidNeedsFlush(localTLBGen: localTLBGen, mmTLBGen: mmTLBGen)
    }

    public var flushesWhenNested: Bool { LinuxScheme.kernel.flushesWhenNested }
    public var freesBeforeFlush: Bool { LinuxScheme.kernel.freesBeforeFlush }
    public var waitsForAcknowledgements: Bool { LinuxScheme.kernel.waitsForAcknowledgements }
    public var decrementsPendingBeforeFlush: Bool { LinuxScheme.kernel.decrementsPendingBeforeFlush }

    public func flushesBatchedPending(_ batched: TLBFlushBatched) -> Bool {
        LinuxScheme.kernel.flushesBatchedPending(batched)
    }

    public var initialTLBGen: UInt64 { LinuxScheme.kernel.initialTLBGen }

    public func takesGenerationPerTable(_ kind: PTEBatchCall.Kind) -> Bool {
        LinuxScheme.kernel.takesGenerationPerTable(kind)
    }

    public var keepsCompletedGeneration: Bool { LinuxScheme.kernel.keepsCompletedGeneration }
    public var ring: RingScheme? { nil }
    public var oracle: OracleScheme.Kind? { nil }

    public func bumpsDeferredGeneration(mmTLBGen: UInt64, deferGen: UInt64) -> Bool {
        LinuxScheme.kernel.bumpsDeferredGeneration(mmTLBGen: mmTLBGen, deferGen: deferGen)
    }

    public func protNoneMayBeCached(flushPending: Bool, vmaDeferTLBGen: UInt64, completed: UInt64) -> Bool {
        LinuxScheme.kernel.protNoneMayBeCached(
            flushPending: flushPending, vmaDeferTLBGen: vmaDeferTLBGen, completed: completed)
    }

    public func skipsGatherFlush(deferGen: UInt64, completed: UInt64, freedTables: Bool) -> Bool {
        LinuxScheme.kernel.skipsGatherFlush(deferGen: deferGen, completed: completed, freedTables: freedTables)
    }
}

/// What `flush_tlb_func()` does to catch a CPU up.
public enum FlushKind: Hashable, Sendable {
    /// `flush_tlb_one_user()` for each page of the range (INVLPG).
    case ranged
    /// `flush_tlb_local()`: a CR3 write that drops every entry of the ASID.
    case full
}
