/// The scheduling state of one thread; its script lives in the ``Scenario``.
public struct ThreadState: Hashable, Sendable {
    /// Where a thread is in its life.
    public enum Status: Hashable, Sendable {
        /// Ready to run (or running).
        case runnable
        /// Blocked in a futex wait on an event.
        case waiting(event: Int)
        /// Script finished.
        case done
    }

    /// The index of the next operation in the script.
    public var pc: Int = 0
    /// Runnable, waiting or done.
    public var status: Status = .runnable
    /// `current->tlb_ubc.arch.cpumask`: the CPUs the task's batched reclaim flush goes to.
    public var tlbUBC = CPUMask.empty
}
