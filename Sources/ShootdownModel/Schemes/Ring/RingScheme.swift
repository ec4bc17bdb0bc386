/// `ring-list` and `ring-union`: Andy Lutomirski's per-mm ring buffer of flushes (seed thread,
/// 1 Feb 2021), as `kernel-reference.md` §4.2 works it out, on top of Linux 6.6.
///
/// Every generation taken with `inc_mm_tlb_gen()` (a flush in `flush_tlb_mm_range()`, each page
/// table of a deferred protection change, reclaim's `arch_tlbbatch_add_pending()`) records its
/// range in slot `gen % size` of the mm's ring. A CPU catching up from its local generation L
/// to the mm's generation T, in `flush_tlb_func()` and (with `switch=ranged`) in
/// `switch_mm_irqs_off()`, reads slots L+1...T and flushes their ranges together; it flushes
/// everything when T - L exceeds the ring, a slot does not hold its generation (unpublished,
/// mid-write or overwritten), a slot asks for a full flush, or the pages exceed the ceiling.
/// `ring-list` sums the pages of each slot's range; `ring-union` (Nadav Amit's sketch) merges
/// them into one `[min start, max end)`.
///
/// The writer's critical section (Nadav's `ring_lock`: claim the slot unless a newer generation
/// owns it, as Andy asked, fill the range, publish `seq = gen`) is one step of the model, the one
/// after the generation was taken, so readers see a slot unpublished or published, never half
/// written; the reader takes its snapshot of `tlb_gen` and the slots in one step too. The
/// mutants `publish-before-fill` and `overtaken-race` split the writer into steps to show what
/// an ordering mistake there does; `FlushRing` (the library) implements the full seqlock.
public struct RingScheme: Scheme {
    /// How a reader combines the ranges of the slots it reads.
    public enum Variant: String, Hashable, Sendable, CaseIterable {
        /// Each slot's range flushed on its own; pages summed against the ceiling.
        case list = "ring-list"
        /// Nadav Amit's sketch: one range from the lowest start to the highest end.
        case union = "ring-union"
    }

    /// How `switch_mm_irqs_off()` catches a CPU up that fell behind.
    public enum SwitchCatchUp: String, Hashable, Sendable, CaseIterable {
        /// CR3 without a flush, then the ring's ranges (full when a slot freed page tables).
        case ranged
        /// A CR3 write that flushes the ASID, as Linux does.
        case full
    }

    /// A deliberately broken step of the ring.
    public enum Mutation: String, Hashable, Sendable, CaseIterable {
        /// The reader neither checks that it fell more than the ring behind nor that a slot still
        /// holds its generation, only that the slot is published: after a wrap it flushes a newer
        /// flush's range in place of the one overwritten.
        case noOverflowCheck = "no-overflow-check"
        /// The writer publishes `seq = gen` before it stores the range (one step later).
        case publishBeforeFill = "publish-before-fill"
        /// The reader's loop stops at T - 1 (`for (gen = ...; gen < tlb_gen; gen++)`, a defect of
        /// Nadav's sketch): the newest generation's range is never flushed.
        case oneShort = "one-short"
        /// A slot that does not hold its generation is skipped instead of forcing a full flush.
        case skipUnpublished = "skip-unpublished"
        /// Writers of a slot neither exclude each other nor check for a newer owner (Andy's
        /// review of Nadav's sketch): mark busy, store the range and publish are three plain
        /// steps, so an overtaken writer's range can land under a newer generation.
        case overtakenRace = "overtaken-race"
    }

    public var variant: Variant
    /// Slots per mm.
    public var size: Int
    public var flushCeiling: Int
    public var switchCatchUp: SwitchCatchUp
    public var mutation: Mutation?

    /// A ring scheme; the defaults are 8 slots, Linux's 33-page ceiling and ranged catch-up on
    /// switch.
    public init(
        _ variant: Variant = .list, size: Int = 8, flushCeiling: Int = 33, switchCatchUp: SwitchCatchUp = .ranged,
        mutation: Mutation? = nil
    ) {
        precondition(size >= 1, "a ring needs at least one slot")
        self.variant = variant
        self.size = size
        self.flushCeiling = flushCeiling
        self.switchCatchUp = switchCatchUp
        self.mutation = mutation
    }

    /// `ring-list:size=8,switch=ranged`, with `ceiling=N` when not 33 and `~MUTATION` for a mutant.
    public var name: String {
        var parameters = "size=\(size)"
        if flushCeiling != 33 { parameters += ",ceiling=\(flushCeiling)" }
        parameters += ",switch=\(switchCatchUp.rawValue)"
        return "\(variant.rawValue):\(parameters)" + (mutation.map { "~\($0.rawValue)" } ?? "")
    }

    /// R6: whether a reader catching up through generation `gen` may use `slot`: published, and
    /// holding `gen` (the `no-overflow-check` mutant asks only that it be published).
    public func accepts(_ slot: RingSlot, for gen: UInt64) -> Bool {
        guard !slot.isBusy else { return false }
        return mutation == .noOverflowCheck ? slot.seq != 0 : slot.seq == gen
    }

    /// The newest generation a reader catching up to `target` reads (`one-short` stops before it).
    public func lastGeneration(to target: UInt64) -> UInt64 {
        mutation == .oneShort ? target - 1 : target
    }

    // Linux's decisions but for these: the ring replaces how a CPU catches up.

    /// Deferred protection changes (mprotect, NUMA hinting) take a generation per page table and
    /// record its range, so the final flush needs no new one; zaps flush as Linux does.
    public func takesGenerationPerTable(_ kind: PTEBatchCall.Kind) -> Bool {
        switch kind {
        case .mprotect, .numaHint: true
        case .munmap, .madviseDontNeed: false
        }
    }
}

extension RingScheme: CatalogScheme {
    public static let listing = [
        SchemeListing(
            "ring-list",
            "Andy Lutomirski's per-mm ring of flushes; INVLPG each slot's range (:size=N,ceiling=N,switch=ranged|full)"),
        SchemeListing(
            "ring-union", "the ring as Nadav Amit sketched it: one range from the lowest start to the highest end"),
    ]

    public static var mutants: [String] { Mutation.allCases.map { "ring-list~\($0.rawValue)" } }

    /// `ring-list` or `ring-union`, with parameters `size=N` (1-64), `ceiling=N` (0-4096) and
    /// `switch=ranged|full`, and any ring mutation.
    public init(catalogName name: SchemeName) throws(SchemeError) {
        guard let variant = Variant(rawValue: name.base) else { throw SchemeError.unknownScheme(name.full) }
        self.init(variant)
        for (key, value) in try name.parameterPairs() {
            switch key {
            case "size":
                guard let size = Int(value), (1...64).contains(size) else {
                    throw SchemeError.badParameter(name.full, "size must be 1...64 slots, found '\(value)'")
                }
                self.size = size
            case "ceiling":
                guard let ceiling = Int(value), (0...4096).contains(ceiling) else {
                    throw SchemeError.badParameter(name.full, "ceiling must be 0...4096 pages, found '\(value)'")
                }
                flushCeiling = ceiling
            case "switch":
                guard let mode = SwitchCatchUp(rawValue: value) else {
                    throw SchemeError.badParameter(name.full, "switch must be ranged or full, found '\(value)'")
                }
                switchCatchUp = mode
            default:
                throw SchemeError.badParameter(name.full, "unknown parameter '\(key)'; use size, ceiling or switch")
            }
        }
        if let mutationName = name.mutation {
            guard let mutation = Mutation(rawValue: mutationName) else { throw SchemeError.unknownMutation(name.full) }
            self.mutation = mutation
        }
    }
}
