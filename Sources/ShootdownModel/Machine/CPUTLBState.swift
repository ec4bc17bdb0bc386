/// The number of dynamic ASID slots per CPU, `TLB_NR_DYN_ASIDS` in arch/x86/include/asm/tlbflush.h.
public let tlbNrDynASIDs = 6

/// Whether `asid` is a global ASID (`is_global_asid()`, 6.15): ASIDs from ``tlbNrDynASIDs`` up
/// name one mm on every CPU and have no `ctxs[]` slot.
public func isGlobalASID(_ asid: Int) -> Bool { asid >= tlbNrDynASIDs }

/// The address-space index that stands for `init_mm`, the kernel's own mm.
public let initMM = -1

/// `init_mm.context.ctx_id`.
public let initMMCtxID: UInt64 = 1

/// One `cpu_tlbstate.ctxs[]` slot: which mm owns the ASID and the generation its entries are
/// up to date with.
public struct ASIDContext: Hashable, Sendable {
    /// `ctx_id` of the owning mm; 0 for none.
    public var ctxID: UInt64
    /// The owner's `tlb_gen` this ASID's entries are known to be flushed up to.
    public var tlbGen: UInt64
}

/// `struct tlb_state cpu_tlbstate` and `cpu_tlbstate_shared.is_lazy` of one CPU.
///
/// `isLazy` is the only field other CPUs read (native_flush_tlb_multi's `tlb_is_not_lazy`);
/// the rest is private to its CPU and changes only with interrupts off.
public struct CPUTLBState: Hashable, Sendable {
    /// `loaded_mm`: what CR3 holds (possibly the previous mm while lazy); ``initMM`` for `init_mm`.
    public var loadedMM: Int = initMM
    /// `loaded_mm_asid`.
    public var loadedASID: Int = 0
    /// `next_asid`: the round-robin victim for the next allocation.
    public var nextASID: Int = 1
    /// `ctxs[TLB_NR_DYN_ASIDS]`.
    public var ctxs = ASIDSlots()
    /// `cpu_tlbstate_shared.is_lazy`.
    public var isLazy = false
    /// `loaded_mm == LOADED_MM_SWITCHING` (only where other CPUs read it:
    /// ``Scheme/loadedMMSwitching``).
    public var isSwitching = false

    /// The state `initialize_tlbstate_and_flush()` leaves: `init_mm` in ASID 0.
    public init() {
        ctxs[0] = ASIDContext(ctxID: initMMCtxID, tlbGen: 0)
    }
}

/// The six `ctxs[]` slots, stored inline (no allocation when a CPU's state is copied).
public struct ASIDSlots: Hashable, Sendable, RandomAccessCollection, MutableCollection {
    private var slots: InlineArray<6, ASIDContext> = .init(repeating: ASIDContext(ctxID: 0, tlbGen: 0))

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { tlbNrDynASIDs }

    public subscript(index: Int) -> ASIDContext {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    public static func == (a: ASIDSlots, b: ASIDSlots) -> Bool {
        (0..<tlbNrDynASIDs).allSatisfy { a.slots[$0] == b.slots[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        for i in 0..<tlbNrDynASIDs { hasher.combine(slots[i]) }
    }
}
