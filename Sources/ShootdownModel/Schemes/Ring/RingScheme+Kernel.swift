/// The ring's plans at tlb.c's decision points (``Scheme``): its slots are its per-mm state,
/// every generation publishes its range, and a CPU catches up through the slots.
extension RingScheme {
    public func initialState(addressSpaces: Int) -> RingState { RingState(size: size, addressSpaces: addressSpaces) }

    public static func publish(_ flush: PublishedFlush, in world: inout World<RingScheme>, cpu: Int) {
        world.publish(flush, cpu: cpu)
    }

    /// One store of the split writer (``publishStepCount``).
    public enum WriterStore: Hashable, Sendable {
        /// Mark the slot busy under the new generation.
        case claim
        /// Store the range.
        case fill
        /// Publish `seq = gen`.
        case publish
    }

    /// The writer's stores in order, for the mutants that split it; empty for the one-step
    /// writer under `ring_lock`. Static arrays: this is read on every flush, and an array
    /// literal here would be allocated each time.
    var writerStores: [WriterStore] {
        switch mutation {
        case .publishBeforeFill: Self.publishBeforeFillStores
        case .overtakenRace: Self.overtakenRaceStores
        default: []
        }
    }

    static let publishBeforeFillStores: [WriterStore] = [.publish, .fill]
    static let overtakenRaceStores: [WriterStore] = [.claim, .fill, .publish]

    public var publishStepCount: Int { writerStores.count }

    public static func publishStep(_ index: Int, in world: inout World<RingScheme>, cpu: Int, mm: Int) {
        world.splitWriterStep(world.scheme.writerStores[index], cpu: cpu, mm: mm)
    }

    /// The ring replaces `flush_tlb_func()`'s partial/full decision: catch up through the slots
    /// (a batched flush, with no mm, is `TLB_FLUSH_ALL`: full, as in Linux).
    public static func catchUp(
        _ info: FlushTLBInfo, in world: inout World<RingScheme>, cpu: Int, asid: Int, mm: Int, from local: UInt64,
        to target: UInt64
    ) -> CatchUp {
        guard info.mm != nil else { return .full }
        return world.ringPlan(mm: mm, from: local, to: target, forSwitch: false)
    }

    /// With `switch=ranged`: the slots' ranges after a CR3 write without a flush, unless the ring
    /// asks for a full flush (the caller's step already read `tlb_gen`; the slots join that read).
    public static func switchCatchUp(
        in world: inout World<RingScheme>, cpu: Int, asid: Int, mm: Int, from local: UInt64, to target: UInt64
    ) -> CatchUp? {
        guard world.scheme.switchCatchUp == .ranged else { return nil }
        let plan = world.ringPlan(mm: mm, from: local, to: target, forSwitch: true)
        if world.isTracing {
            world.note(
                cpu, "switch_mm_irqs_off",
                "\(world.scenario.mmName(mm)): \(world.scheme.describe(plan, from: local, to: target))")
        }
        return plan == .full ? nil : plan
    }

    public static func applyRecorded(
        pages: Int, in world: inout World<RingScheme>, cpu: Int, asid: Int, mm: Int, from local: UInt64,
        to target: UInt64
    ) {
        guard pages > 0 else { return }
        world.applyRingList(cpu: cpu, asid: asid, mm: mm, from: local, to: target)
    }

    public func describe(_ plan: CatchUp, from local: UInt64, to target: UInt64) -> String {
        switch plan {
        case .full: "ring \(local + 1)...\(target): full flush"
        case .recorded(let pages): "ring \(local + 1)...\(target): INVLPG \(pages) pages"
        case .range(let range, _): "ring \(local + 1)...\(target): INVLPG \(range)"
        }
    }
}
