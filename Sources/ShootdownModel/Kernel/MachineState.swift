/// Everything that changes as the machine runs: the value the checker stores and hashes.
public struct MachineState: Hashable, Sendable {
    public var cpus: [CPU]
    public var mms: [AddressSpace]
    public var threads: [ThreadState]
    /// Which events have been signalled.
    public var events: [Bool]
    public var frames: FrameAllocator

    /// The state at boot: every CPU idle in `init_mm`, mappings of the scenario in place,
    /// populated pages backed by frames 0, 1, 2, ... in order.
    public init(scenario: Scenario) {
        cpus = Array(repeating: CPU(), count: scenario.cpuCount)
        threads = Array(repeating: ThreadState(), count: scenario.threads.count)
        for i in threads.indices where scenario.threads[i].script.isEmpty {
            threads[i].status = .done
        }
        events = Array(repeating: false, count: scenario.events.count)
        var nextFrame = 0
        mms = []
        for (index, spec) in scenario.addressSpaces.enumerated() {
            // ctx_id: init_mm has 1; user mms count up from 2 (init_new_context).
            var mm = AddressSpace(
                ctxID: UInt64(index) + 2, pages: scenario.pagesPerAddressSpace, ptesPerTable: scenario.ptesPerTable)
            for mapping in spec.mappings {
                for page in mapping.range.start..<mapping.range.end {
                    mm.vmas[page] = mapping.protection
                    if mapping.isPopulated && mapping.protection != .none {
                        mm.ptes[page] = .mapping(nextFrame, writable: mapping.protection == .write)
                        nextFrame += 1
                    }
                }
            }
            mms.append(mm)
        }
        frames = FrameAllocator(capacity: scenario.frameCount, used: nextFrame)
    }
}
