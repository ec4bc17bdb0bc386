/// The static setup of a world, shared by all its copies, with what the scheduler looks up on
/// every step precomputed.
final class ScenarioBox: Sendable {
    let scenario: Scenario
    /// The threads pinned to each CPU, in increasing order.
    let threadsOnCPU: [[Int]]
    /// Every CPU of the machine.
    let allCPUs: CPUMask
    /// Whether some run may free a page table: then the CPUs' paging-structure caches are
    /// tracked (``PagingStructureCache``); otherwise they are left empty, as nothing they hold
    /// can matter.
    let tracksPagingStructures: Bool
    /// Whether some thread lets time pass (``Operation/tick``): only then do flushes ask
    /// `should_trim_cpumask()`, a step of its own, so scenarios without it keep their states.
    let hasTicks: Bool

    init(_ scenario: Scenario) {
        self.scenario = scenario
        threadsOnCPU = (0..<scenario.cpuCount).map { scenario.threads(on: $0) }
        var all = CPUMask.empty
        for cpu in 0..<scenario.cpuCount { all.insert(cpu) }
        allCPUs = all
        tracksPagingStructures = scenario.freeablePageTables.contains { $0 != 0 }
        hasTicks = scenario.threads.contains { $0.script.contains(.tick) }
    }
}
