import ShootdownModel

/// What the explored subtree of a state touched, per CPU (``AccessMask``): the source-set
/// reduction's stand-in for the schedules it does not explore again when it reaches the state
/// on another path (stateful DPOR, after Yang, Chen, Gopalakrishnan and Kirby, SPIN 2008: a
/// step of that subtree may race with a step of the new path).
struct SubtreeSummary: Sendable {
    private var perCPU = InlineArray<5, AccessMask>(repeating: AccessMask())
    /// Each CPU's first actions in the subtree: a CPU's step may race with its own next one when
    /// that is another kind of action (an interrupt taken before the step instead of after).
    private(set) var firstActions = ActionSet()
    /// Each CPU's first interrupt or preemption in the subtree (on some path): it could have
    /// come between any two of the CPU's steps before it.
    private(set) var firstChoices = ActionSet()
    /// The subtree is not known in full (a state still on the stack, a subtree cut by the depth
    /// bound): a step of it may touch anything.
    private(set) var isUnknown = false

    /// A summary of nothing.
    init() {}

    /// The summary ``store(cpus:into:at:)`` wrote for a scenario of `cpus` CPUs.
    init(cpus: Int, words: ArraySlice<UInt64>) {
        var i = words.startIndex
        for cpu in 0..<cpus {
            perCPU[cpu] = AccessMask(read: words[i], written: words[i + 1], updated: words[i + 2])
            i += 3
        }
        let flags = words[i]
        firstActions.bits = UInt16(truncatingIfNeeded: flags)
        firstChoices.bits = UInt16(truncatingIfNeeded: flags >> 16)
        isUnknown = flags >> 32 != 0
    }

    /// Writes the summary of a scenario of `cpus` CPUs as `3 * cpus + 1` words from `base`.
    func store(cpus: Int, into words: inout [UInt64], at base: Int) {
        var i = base
        for cpu in 0..<cpus {
            words[i] = perCPU[cpu].read
            words[i + 1] = perCPU[cpu].written
            words[i + 2] = perCPU[cpu].updated
            i += 3
        }
        words[i] = UInt64(firstActions.bits) | UInt64(firstChoices.bits) << 16 | (isUnknown ? 1 << 32 : 0)
    }

    /// A summary that may touch anything.
    static var unknown: SubtreeSummary {
        var summary = SubtreeSummary()
        summary.isUnknown = true
        return summary
    }

    /// Adds a step `action` that touched `mask`, and the subtree of the state it led to.
    mutating func add(_ action: Action, _ mask: AccessMask, then child: SubtreeSummary) {
        isUnknown = isUnknown || child.isUnknown
        for cpu in perCPU.indices { perCPU[cpu].formUnion(child.perCPU[cpu]) }
        perCPU[action.cpu].formUnion(mask)
        firstActions.bits |= child.firstActions.bits & ~ActionSet.cpuBits(action.cpu)
        firstActions.insert(action)
        if action.isStep {
            firstChoices.bits |= child.firstChoices.bits
        } else {
            firstChoices.bits |= child.firstChoices.bits & ~ActionSet.cpuBits(action.cpu)
            firstChoices.insert(action)
        }
    }

    /// Adds what another exploration of the same state found.
    mutating func formUnion(_ other: SubtreeSummary) {
        isUnknown = isUnknown || other.isUnknown
        for cpu in perCPU.indices { perCPU[cpu].formUnion(other.perCPU[cpu]) }
        firstActions.bits |= other.firstActions.bits
        firstChoices.bits |= other.firstChoices.bits
    }

    /// What the steps of `cpu` touched (everything when ``isUnknown``).
    func mask(of cpu: Int) -> AccessMask { isUnknown ? .everything : perCPU[cpu] }
}
