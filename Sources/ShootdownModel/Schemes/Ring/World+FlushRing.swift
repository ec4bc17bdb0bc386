/// The per-mm flush ring (`RingScheme`): the writer that records a generation's range and the
/// reader that catches a CPU up from its local generation (kernel-reference.md §4.2, W1-W8 and
/// R1-R13). The ring's plans (`RingScheme+Kernel.swift`) call these.
extension World where S == RingScheme {
    /// W3-W7 as one step, under `ring_lock`: unless a newer generation owns the slot already
    /// (Andy: "check that the ring didn't overflow while you were getting the lock -- if
    /// new_tlb_gen > gen, abort"), store the range and publish `seq = gen`.
    mutating func publish(_ flush: PublishedFlush, cpu: Int) {
        touch(.ring(mm: flush.mm), write: true)
        let index = Int(flush.gen % UInt64(scheme.size))
        let slot = schemeState[flush.mm, index]
        if slot.seq > flush.gen {
            if isTracing {
                note(cpu, "ring_publish", "slot \(index) holds generation \(slot.seq) > \(flush.gen): give up")
            }
            return
        }
        var new = RingSlot()
        new.seq = flush.gen
        new.start = flush.range?.start ?? 0
        new.end = flush.range?.end
        new.freedTables = flush.freedTables
        new.stride = flush.stride
        schemeState[flush.mm, index] = new
        if isTracing {
            note(
                cpu, "ring_publish",
                "ring[\(index)] = gen \(flush.gen): \(flush.range.map { "\($0)" } ?? "TLB_FLUSH_ALL")")
        }
    }

    /// R1-R11: reads the slots of generations `local+1 ... target` (one snapshot; the caller's
    /// step) and decides.
    /// - Parameter forSwitch: catching up in `switch_mm_irqs_off()`, where a slot that freed page
    ///   tables forces a full flush (its paging-structure caches may point at them).
    mutating func ringPlan(mm: Int, from local: UInt64, to target: UInt64, forSwitch: Bool) -> CatchUp {
        touch(.ring(mm: mm), write: false)
        let (plan, slots) = readRing(mm: mm, from: local, to: target, forSwitch: forSwitch)
        counters.ringSlotsRead += slots
        return plan
    }

    /// The decision of ``ringPlan(mm:from:to:forSwitch:)`` and the number of slots it read.
    func readRing(mm: Int, from local: UInt64, to target: UInt64, forSwitch: Bool) -> (CatchUp, slots: Int) {
        let ring = scheme
        let mutation = ring.mutation
        // R2: more generations missed than the ring holds.
        if mutation != .noOverflowCheck, target - local > UInt64(ring.size) { return (.full, 0) }
        let last = ring.lastGeneration(to: target)
        guard last > local else { return (.recorded(pages: 0), 0) }
        var read = 0
        var pages = 0
        var lowest = Int.max
        var highest = 0
        for gen in (local + 1)...last {
            let slot = schemeState[mm, Int(gen % UInt64(ring.size))]
            read += 1
            // R6: unpublished, mid-write or overwritten.
            if !ring.accepts(slot, for: gen) {
                if mutation == .skipUnpublished { continue }
                return (.full, read)
            }
            // R9: the slot asks for a full flush.
            guard let end = slot.end else { return (.full, read) }
            if forSwitch && slot.freedTables { return (.full, read) }
            pages += slot.invalidations
            lowest = min(lowest, slot.start)
            highest = max(highest, end)
        }
        switch ring.variant {
        case .list:
            return (pages > ring.flushCeiling ? .full : .recorded(pages: pages), read)
        case .union:
            guard highest > lowest else { return (.recorded(pages: 0), read) }
            return (highest - lowest > ring.flushCeiling ? .full : .range(PageRange(lowest, highest)), read)
        }
    }

    /// R12 of `ring-list`: INVLPGs in `asid` each accepted slot's range of generations
    /// `local+1 ... target`.
    mutating func applyRingList(cpu: Int, asid: Int, mm: Int, from local: UInt64, to target: UInt64) {
        let ring = scheme
        for gen in (local + 1)...ring.lastGeneration(to: target) {
            let slot = schemeState[mm, Int(gen % UInt64(ring.size))]
            // The slots the plan counted: accepted ones (skip-unpublished passes over the rest).
            guard ring.accepts(slot, for: gen), let end = slot.end else { continue }
            state.cpus[cpu].tlb.invalidate(asid: asid, pages: slot.start..<end, stride: slot.stride)
        }
    }

    /// The writer of the `publish-before-fill` and `overtaken-race` mutants, one store a step
    /// and no claim: `publish-before-fill` publishes `seq`, then stores the range;
    /// `overtaken-race` marks the slot busy, stores the range, publishes, whoever owns the slot.
    mutating func splitWriterStep(_ store: RingScheme.WriterStore, cpu: Int, mm: Int) {
        let info = state.cpus[cpu].flushInfo!
        let index = Int(info.newTLBGen % UInt64(scheme.size))
        touch(.ring(mm: mm), write: true)
        switch store {
        case .claim:
            schemeState[mm, index].seq = info.newTLBGen
            schemeState[mm, index].isBusy = true
            if isTracing { note(cpu, "ring_publish", "ring[\(index)].seq = busy(\(info.newTLBGen))") }
        case .fill:
            schemeState[mm, index].start = info.start
            schemeState[mm, index].end = info.end
            schemeState[mm, index].freedTables = info.freedTables
            schemeState[mm, index].stride = info.stride
            if isTracing {
                note(
                    cpu, "ring_publish",
                    "ring[\(index)] range = \(info.end.map { "\(PageRange(info.start, $0))" } ?? "ALL")")
            }
        case .publish:
            schemeState[mm, index].seq = info.newTLBGen
            schemeState[mm, index].isBusy = false
            if isTracing { note(cpu, "ring_publish", "ring[\(index)].seq = \(info.newTLBGen)") }
        }
    }
}
