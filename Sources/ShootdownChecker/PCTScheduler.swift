import ShootdownModel

/// One PCT run's scheduler: random distinct priorities, d-1 priority change points.
struct PCTScheduler {
    /// Priority of thread t: CPU t/2's steps (even t) or interrupts (odd t).
    var priorities: [Int]
    /// Step numbers (1-based) at which the running thread's priority drops, with the new value,
    /// in the order drawn: of two on one step, the later counts. A list, not a dictionary: it
    /// holds d-1 entries and is looked up on every step (a dictionary's hashing took a tenth of
    /// a PCT run).
    var changePoints: [(step: Int, low: Int)]
    var generator: SeededGenerator

    init(threads: Int, depth: Int, steps k: Int, generator: inout SeededGenerator) {
        // A random permutation of d...d+threads-1 (Fisher-Yates with the project's own draws).
        var values = Array(depth..<depth + threads)
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, generator.next(below: i + 1))
        }
        priorities = values
        changePoints = []
        for low in 1..<max(1, depth) {
            changePoints.append((1 + generator.next(below: k), low))
        }
        self.generator = generator
    }

    static func thread(of action: Action) -> Int {
        switch action {
        case .step(let cpu), .preempt(let cpu): 2 * cpu
        case .interrupt(let cpu): 2 * cpu + 1
        }
    }

    /// The enabled action of the highest-priority thread; a CPU's preemption, when enabled,
    /// is taken instead of its step one time in eight.
    mutating func choose(from enabled: [Action], step: Int) -> Action {
        var best = enabled[0]
        for action in enabled.dropFirst() where priorities[Self.thread(of: action)] > priorities[Self.thread(of: best)]
        {
            best = action
        }
        if case .step(let cpu) = best, enabled.contains(.preempt(cpu: cpu)), generator.next(below: 8) == 0 {
            best = .preempt(cpu: cpu)
        }
        if let low = changePoints.last(where: { $0.step == step + 1 })?.low {
            priorities[Self.thread(of: best)] = low
        }
        return best
    }
}
