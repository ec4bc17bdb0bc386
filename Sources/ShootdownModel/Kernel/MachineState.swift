/// Everything that changes as the machine runs: the value the checker stores and hashes.
public struct MachineState: Hashable, Sendable {
    public var cpus: CPUs
    public var mms: [AddressSpace]
    public var threads: [ThreadState]
    /// Which events have been signalled.
    public var events: [Bool]
    public var frames: FrameAllocator

    /// The state at the scenario's start: mappings in place, populated pages backed by frames
    /// 0, 1, 2, ... in order, and each CPU running its first thread: a user thread's mm loaded in
    /// ASID 1 (0 without PCID) at the mm's generation with the CPU in its cpumask (as `switch_mm_irqs_off()` would leave
    /// it), a kernel thread on `init_mm`; a CPU without threads idles in `init_mm`.
    /// - Parameters:
    ///   - initialTLBGen: where every mm's `tlb_gen` starts (the scheme's choice: 0 in Linux, 1
    ///     under RFC 08).
    ///   - tlb: each CPU's empty TLB (its capacity; unbounded by default).
    public init(scenario: Scenario, initialTLBGen: UInt64 = 0, tlb: TLB = TLB()) {
        cpus = CPUs(repeating: CPU(tlb: tlb.tagging(asids: scenario.hasPCID)), count: scenario.cpuCount)
        threads = Array(repeating: ThreadState(), count: scenario.threads.count)
        for i in threads.indices where scenario.threads[i].script.isEmpty {
            threads[i].status = .done
        }
        events = Array(repeating: false, count: scenario.events.count)
        var nextFrame = 0
        mms = []
        let freeable = scenario.freeablePageTables
        let huge = scenario.hugePageTables
        for (index, spec) in scenario.addressSpaces.enumerated() {
            // ctx_id: init_mm has 1; user mms count up from 2 (init_new_context).
            var mm = AddressSpace(
                ctxID: UInt64(index) + 2, pages: scenario.pagesPerAddressSpace, ptesPerTable: scenario.ptesPerTable,
                freeableTables: freeable[index])
            mm.tlbGen = initialTLBGen
            mm.tlbGenCompleted = initialTLBGen
            mm.thpTables = huge[index]
            for mapping in spec.mappings {
                mm.addVMA(mapping.range, protection: mapping.protection)
                for page in mapping.range.start..<mapping.range.end {
                    if mapping.isPopulated && mapping.protection != .none {
                        mm.ptes[page] = .mapping(nextFrame, writable: mapping.protection == .write)
                        // A huge PMD has no PTE table hooked below it.
                        if mapping.isHuge {
                            mm.hugeTables |= mm.tableBit(mm.table(of: page))
                        } else {
                            _ = mm.hookTable(of: page)
                        }
                        nextFrame += 1
                    }
                }
            }
            mms.append(mm)
        }
        frames = FrameAllocator(capacity: scenario.frameCount, used: nextFrame)
        for cpu in cpus.indices {
            guard let first = scenario.threads(on: cpu).first else { continue }
            cpus[cpu].current = first
            guard let mm = scenario.threads[first].mm else { continue }
            // Without PCID, choose_new_asid() answers ASID 0 for every mm.
            let asid = scenario.hasPCID ? 1 : 0
            cpus[cpu].tlbState.loadedMM = mm
            cpus[cpu].tlbState.loadedASID = asid
            cpus[cpu].tlbState.nextASID = asid + 1
            cpus[cpu].tlbState.ctxs[asid] = ASIDContext(ctxID: mms[mm].ctxID, tlbGen: initialTLBGen)
            mms[mm].cpumask.insert(cpu)
        }
    }
}
