/// The per-mm flush ring (`RingScheme`): the writer that records a generation's range and the
/// reader that catches a CPU up from its local generation (kernel-reference.md §4.2, W1-W8 and
/// R1-R13).
extension World {
    /// What a catch-up through the ring must do.
    enum RingPlan: Equatable {
        /// `flush_tlb_local()`: the ring cannot say what changed.
        case full
        /// INVLPG each page of the slots' ranges (`ring-list`), `pages` in all.
        case list(pages: Int)
        /// INVLPG `[start, end)`, the union of the slots' ranges (`ring-union`).
        case union(start: Int, end: Int)
    }

    /// W3-W7 as one step, under `ring_lock`: unless a newer generation owns the slot already
    /// (Andy: "check that the ring didn't overflow while you were getting the lock -- if
    /// new_tlb_gen > gen, abort"), store the range and publish `seq = gen`.
    /// - Parameter range: the pages, or `nil` for `TLB_FLUSH_ALL`.
    mutating func publish(_ ring: RingScheme, cpu: Int, mm: Int, gen: UInt64, range: PageRange?, freedTables: Bool) {
        touch(.ring(mm: mm), write: true)
        let index = Int(gen % UInt64(ring.size))
        let slot = state.mms[mm].ring[index]
        if slot.seq > gen {
            if isTracing { note(cpu, "ring_publish", "slot \(index) holds generation \(slot.seq) > \(gen): give up") }
            return
        }
        var new = RingSlot()
        new.seq = gen
        new.start = range?.start ?? 0
        new.end = range?.end
        new.freedTables = freedTables
        state.mms[mm].ring[index] = new
        if isTracing {
            note(cpu, "ring_publish", "ring[\(index)] = gen \(gen): \(range.map { "\($0)" } ?? "TLB_FLUSH_ALL")")
        }
    }

    /// R1-R11: reads the slots of generations `local+1 ... target` (one snapshot; the caller's
    /// step) and decides.
    /// - Parameter forSwitch: catching up in `switch_mm_irqs_off()`, where a slot that freed page
    ///   tables forces a full flush (its paging-structure caches may point at them).
    mutating func ringPlan(_ ring: RingScheme, mm: Int, from local: UInt64, to target: UInt64, forSwitch: Bool)
        -> RingPlan
    {
        touch(.ring(mm: mm), write: false)
        let (plan, slots) = readRing(ring, mm: mm, from: local, to: target, forSwitch: forSwitch)
        counters.ringSlotsRead += slots
        return plan
    }

    /// The decision of ``ringPlan(_:mm:from:to:forSwitch:)`` and the number of slots it read.
    func readRing(_ ring: RingScheme, mm: Int, from local: UInt64, to target: UInt64, forSwitch: Bool)
        -> (RingPlan, slots: Int)
    {
        let mutation = ring.mutation
        // R2: more generations missed than the ring holds.
        if mutation != .noOverflowCheck, target - local > UInt64(ring.size) { return (.full, 0) }
        let last = ring.lastGeneration(to: target)
        guard last > local else { return (.list(pages: 0), 0) }
        let slots = state.mms[mm].ring
        var read = 0
        var pages = 0
        var lowest = Int.max
        var highest = 0
        for gen in (local + 1)...last {
            let slot = slots[Int(gen % UInt64(ring.size))]
            read += 1
            // R6: unpublished, mid-write or overwritten.
            if !ring.accepts(slot, for: gen) {
                if mutation == .skipUnpublished { continue }
                return (.full, read)
            }
            // R9: the slot asks for a full flush.
            guard let end = slot.end else { return (.full, read) }
            if forSwitch && slot.freedTables { return (.full, read) }
            pages += end - slot.start
            lowest = min(lowest, slot.start)
            highest = max(highest, end)
        }
        switch ring.variant {
        case .list:
            return (pages > ring.flushCeiling ? .full : .list(pages: pages), read)
        case .union:
            guard highest > lowest else { return (.list(pages: 0), read) }
            return (highest - lowest > ring.flushCeiling ? .full : .union(start: lowest, end: highest), read)
        }
    }

    /// R12: INVLPGs the plan's pages in `asid`; returns the number of pages.
    mutating func applyRing(
        _ ring: RingScheme, _ plan: RingPlan, cpu: Int, asid: Int, mm: Int, from local: UInt64, to target: UInt64
    ) -> Int {
        switch plan {
        case .full:
            preconditionFailure("a full flush is not applied page by page")
        case .union(let start, let end):
            state.cpus[cpu].tlb.invalidate(asid: asid, pages: start..<end)
            return end - start
        case .list(let pages):
            guard pages > 0 else { return 0 }
            for gen in (local + 1)...ring.lastGeneration(to: target) {
                let slot = state.mms[mm].ring[Int(gen % UInt64(ring.size))]
                // The slots the plan counted: accepted ones (skip-unpublished passes over the rest).
                guard ring.accepts(slot, for: gen), let end = slot.end else { continue }
                state.cpus[cpu].tlb.invalidate(asid: asid, pages: slot.start..<end)
            }
            return pages
        }
    }

    /// How the plan reads in a timeline.
    func describe(_ plan: RingPlan, from local: UInt64, to target: UInt64) -> String {
        switch plan {
        case .full: "ring \(local + 1)...\(target): full flush"
        case .list(let pages): "ring \(local + 1)...\(target): INVLPG \(pages) pages"
        case .union(let start, let end): "ring \(local + 1)...\(target): INVLPG \(PageRange(start, end))"
        }
    }
}
