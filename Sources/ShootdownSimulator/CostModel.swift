import Foundation
import ShootdownModel

/// Cycles charged per kind of event by the timed simulation. Every default names its source;
/// a JSON file can override any of them (`shootdown compare --cost-model FILE`).
public struct CostModel: Hashable, Sendable, Codable {
    /// One step of a kernel path that the cost model does not price otherwise (a shared
    /// access, a branch, a lock taken): about a cache miss on a contended line.
    public var step = 50
    /// An access served by the first-level TLB.
    public var tlbHit = 1
    /// An access served by the second-level TLB: about 12 cycles on Haswell (pc.watch
    /// measurements, via kernel-reference.md §5).
    public var l2Hit = 12
    /// First-level data TLB entries (4K pages): 64 on Haswell and Skylake.
    public var l1Entries = 64
    /// Second-level TLB entries, the first level included: 1,536 on Skylake and Broadwell
    /// (Intel Optimization Manual table 2-15; 2,048 on newer cores). 0 makes the TLB unbounded.
    public var l2Entries = 1_536
    /// A TLB miss: the page walk and the fill. Haswell: an L2 TLB hit costs about 12 cycles,
    /// a miss that walks through the caches about 20 more (pc.watch measurements, via
    /// kernel-reference.md §5); a walk that misses the caches costs hundreds: 30 is the cached case.
    public var pageWalk = 30
    /// A page fault handled (entry, VMA lookup, allocation, PTE update, return).
    public var pageFault = 2_000
    /// A context switch, `switch_mm_irqs_off()` excluded.
    public var contextSwitch = 1_500
    /// One INVLPG. Dave Hansen's 2014 measurements of a local `flush_tlb_mm_range()`, 1 page
    /// 1,276 cycles and 33 pages 8,534, fit 227 cycles a page plus a fixed part (below);
    /// Molnar (2015) measured 260, Hansen (2017) about 200.
    public var invlpg = 227
    /// A full flush of one ASID (a CR3 write): Hansen 2014, full `flush_tlb_mm_range()` 2,283
    /// cycles, less the fixed part; its real price is the refills it causes, priced per walk.
    public var fullFlush = 1_200
    /// The fixed part of a `flush_tlb_func()` run (the handler or the local call, its
    /// generation reads and bookkeeping): from the same fit, 1,049 cycles less the steps of
    /// `flush_tlb_mm_range()` the model prices as steps.
    public var flushSetup = 900
    /// Queuing one flush IPI (`llist_add` and the APIC write), per target.
    public var ipiSend = 300
    /// From the IPI's send to the target's handler running: "TLB shootdown can take
    /// microseconds" (Amit, ATC'17); a remote acknowledgement at least 1,000 cycles (EuroSys'20);
    /// a round trip of 1-3 us on Xeons. 2,000 cycles each way at 3 GHz.
    public var ipiLatency = 2_000
    /// From the target's acknowledgement to the initiator seeing it (`csd_unlock()` to
    /// `csd_lock_wait()`): one cache-line transfer.
    public var ackLatency = 200
    /// Reading one slot of the flush ring (one cache line, possibly contended with writers).
    public var ringSlotRead = 40
    /// Issuing one INVLPGB (6.15's broadcast invalidation, `linux-6.15` with `invlpgb on`): the
    /// instruction only starts the invalidation on every CPU, so its issue is priced as one
    /// INVLPG (no published latency; an assumption).
    public var invlpgb = 227
    /// A TLBSYNC: the issuing CPU waits until every CPU completed its INVLPGBs, with no handler
    /// run on the targets. Fitted to Rik van Riel's profile of will-it-scale tlb_flush2_threads
    /// on a 36-core Milan (cover letter of "AMD broadcast TLB invalidation", v2 to v7): with
    /// INVLPGB, "TLB invalidation went down from 40% of the total CPU time to only around 4%" at
    /// the same loop rate: a tenth of the CPU time. In the model, at 36 CPUs and 100 rounds of
    /// `tlb-flush2`, `linux-6.15`'s `cycles_flush` is a tenth of `linux`'s with 1,600 cycles
    /// (docs/compare.md shows the fit). The model prices it the same on every machine size.
    public var tlbsync = 1_600
    /// How long a thread runs before the scheduler may preempt it for another runnable thread of
    /// its CPU: Linux 6.6's EEVDF base slice, 0.75 ms (`sysctl_sched_base_slice`), at 3 GHz.
    public var timeSlice = 2_250_000

    /// The defaults above.
    public init() {}

    /// The keys a cost-model file may set, and the fields they set.
    public static let fields: [(key: String, field: WritableKeyPath<CostModel, Int> & Sendable)] = [
        ("step", \.step), ("tlbHit", \.tlbHit), ("l2Hit", \.l2Hit), ("l1Entries", \.l1Entries),
        ("l2Entries", \.l2Entries), ("pageWalk", \.pageWalk), ("pageFault", \.pageFault),
        ("contextSwitch", \.contextSwitch), ("invlpg", \.invlpg), ("fullFlush", \.fullFlush),
        ("flushSetup", \.flushSetup), ("ipiSend", \.ipiSend), ("ipiLatency", \.ipiLatency),
        ("ackLatency", \.ackLatency), ("ringSlotRead", \.ringSlotRead), ("timeSlice", \.timeSlice),
        ("invlpgb", \.invlpgb), ("tlbsync", \.tlbsync),
    ]

    /// Reads a cost-model file: a JSON object whose keys are any of ``fields`` and whose values
    /// are non-negative whole cycles (TLB sizes at most ``TLB/maxCapacity`` entries); keys not
    /// given keep their defaults.
    /// - Throws: ``CostModelError`` naming the bad key or value and the keys known.
    public static func parse(_ text: String, source: String) throws(CostModelError) -> CostModel {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw CostModelError(source: source, problem: "not JSON: \(error.localizedDescription)")
        }
        guard let values = object as? [String: Any] else {
            throw CostModelError(source: source, problem: "expected a JSON object of cycle counts")
        }
        var model = CostModel()
        for key in values.keys.sorted() {
            guard let field = fields.first(where: { $0.key == key })?.field else {
                throw CostModelError(source: source, problem: "unknown key '\(key)'")
            }
            guard let number = values[key] as? NSNumber, number.doubleValue >= 0,
                number.doubleValue == number.doubleValue.rounded(), number.doubleValue < 1e12
            else {
                throw CostModelError(source: source, problem: "'\(key)' must be a whole number of cycles >= 0")
            }
            if key.hasSuffix("Entries"), number.intValue > TLB.maxCapacity {
                throw CostModelError(source: source, problem: "'\(key)' must be at most \(TLB.maxCapacity) entries")
            }
            model[keyPath: field] = number.intValue
        }
        return model
    }
}

extension CostModel {
    /// The cycles `counters` spent flushing, as the simulator prices them: INVLPGs, full
    /// flushes, `flush_tlb_func()` runs, IPIs queued, ring slots read, INVLPGBs and TLBSYNCs.
    public func flushCycles(_ counters: Counters) -> Int { PricedTotals(counters, self).flush }
}

/// A cost-model file that could not be used.
public struct CostModelError: Error, Equatable, CustomStringConvertible {
    public var source: String
    public var problem: String

    public var description: String {
        "\(source): \(problem); a cost model is a JSON object with any of "
            + CostModel.fields.map(\.key).joined(separator: ", ") + " (cycles)"
    }
}
