/// For each thread and each point of its script, the pages the rest of the script accesses (bit
/// `p` for page `p`; every bit for a page past 63): what a dead-entry fingerprint reads
/// (``World/fingerprint(into:omitting:)``), built once a search so that a state's live pages cost
/// one lookup a thread instead of a walk over every remaining operation.
package struct AccessedPages: Sendable {
    /// Thread `t` at script position `pc` (up to the script's length, when it is done):
    /// `masks[offsets[t] + pc]`.
    private var masks: [UInt64] = []
    private var offsets: [Int] = []
    private var cpus: [Int] = []

    package init(_ scenario: Scenario) {
        for thread in scenario.threads {
            offsets.append(masks.count)
            cpus.append(thread.cpu)
            var suffix: [UInt64] = [0]
            for operation in thread.script.reversed() {
                var mask = suffix.last!
                if case .access(let page, _) = operation { mask |= page < 64 ? 1 << UInt64(page) : ~0 }
                suffix.append(mask)
            }
            masks += suffix.reversed()
        }
    }

    /// For each CPU, the pages a remaining operation of one of its threads accesses, the
    /// current operation included (at most 5 CPUs: the exhaustive checker's).
    func livePages(_ threads: [ThreadState]) -> InlineArray<5, UInt64> {
        var live = InlineArray<5, UInt64>(repeating: 0)
        for index in threads.indices {
            live[cpus[index]] |= masks[offsets[index] + threads[index].pc]
        }
        return live
    }
}
