/// `linux`: x86-64 Linux as of 6.6 LTS (arch/x86/mm/tlb.c), with mutants that break one
/// decision each so the tests can show the checker catches it.
public struct LinuxScheme: Scheme {
    /// A deliberately broken variant of one decision.
    public enum Mutation: String, Hashable, Sendable, CaseIterable {
        /// `native_flush_tlb_multi()` never interrupts another CPU.
        case noIPI = "no-ipi"
        /// The lazy return path of `switch_mm_irqs_off()` skips its generation compare.
        case noLazyCatchup = "no-lazy-catchup"
        /// `choose_new_asid()` reuses the mm's slot without comparing generations.
        case noSwitchCatchup = "no-switch-catchup"
        /// `flush_tlb_func()` flushes the range whenever the IPI is one generation ahead of the
        /// CPU, ignoring that newer flushes may be outstanding (drops `new_tlb_gen == mm_tlb_gen`
        /// and keeps the range even when the CPU is further behind).
        case partialAlways = "partial-always"
        /// `tlb_finish_mmu()` ignores `mm_tlb_flush_nested()` (the 2017 parallel MADV_DONTNEED bug).
        case noNestedFlush = "no-nested-flush"
        /// `tlb_finish_mmu()` frees the pages before flushing (breaks the mmu_gather contract
        /// "unhook page, TLB invalidate page, free page").
        case freeBeforeFlush = "free-before-flush"
        /// `flush_tlb_mm_range()` returns without waiting for the acknowledgements (`wait = false`).
        case noWait = "no-wait"
    }

    /// The broken decision, or `nil` for the kernel's code.
    public var mutation: Mutation?
    public var flushCeiling: Int

    /// The kernel's scheme (or one of its mutants) with the default 33-page ceiling.
    public init(mutation: Mutation? = nil, flushCeiling: Int = 33) {
        self.mutation = mutation
        self.flushCeiling = flushCeiling
    }

    public var name: String { mutation.map { "linux~\($0.rawValue)" } ?? "linux" }

    /// `native_flush_tlb_multi()`: `on_each_cpu_mask()` when `freed_tables`, else
    /// `on_each_cpu_cond_mask(tlb_is_not_lazy, ...)`.
    public func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool {
        return switch mutation {
        case .noIPI: false
        default: freedTables || !targetIsLazy
        }
    }

    /// `if (f->new_tlb_gen != TLB_GENERATION_INVALID && f->new_tlb_gen <= local_tlb_gen) return;`
    /// (5.19+, "x86/mm/tlb: Avoid reading mm_tlb_gen when possible").
    public func isAlreadyCovered(newTLBGen: UInt64, localTLBGen: UInt64) -> Bool {
        newTLBGen != 0 && newTLBGen <= localTLBGen
    }

    /// The partial-flush condition of `flush_tlb_func()`:
    /// `f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_tlb_gen + 1 && f->new_tlb_gen == mm_tlb_gen`.
    /// Anything else is a full flush, because a CPU more than one generation behind cannot
    /// know the ranges of the flushes it missed.
    public func flushKind(_ info: FlushTLBInfo, localTLBGen: UInt64, mmTLBGen: UInt64) -> FlushKind {
        guard !info.isFullFlush else { return .full }
        if mutation == .partialAlways { return .ranged }
        return info.newTLBGen == localTLBGen + 1 && info.newTLBGen == mmTLBGen ? .ranged : .full
    }

    /// `if (this_cpu_read(cpu_tlbstate.ctxs[prev_asid].tlb_gen) == next_tlb_gen) return;`
    public func lazyReturnIsCurrent(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        mutation == .noLazyCatchup || localTLBGen == mmTLBGen
    }

    /// `*need_flush = (this_cpu_read(cpu_tlbstate.ctxs[asid].tlb_gen) < next_tlb_gen);`
    public func asidNeedsFlush(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        mutation != .noSwitchCatchup && localTLBGen < mmTLBGen
    }

    public var flushesWhenNested: Bool { mutation != .noNestedFlush }

    public var freesBeforeFlush: Bool { mutation == .freeBeforeFlush }

    public var waitsForAcknowledgements: Bool { mutation != .noWait }
}
