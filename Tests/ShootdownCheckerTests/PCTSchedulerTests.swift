import ShootdownModel
import Testing

@testable import ShootdownChecker

/// PCT's scheduler: the highest priority runs, and at a change point the thread that runs drops
/// to the change point's low priority (the later one where two fall on one step, as they did
/// when the change points were a dictionary: saved seeds replay the same runs).
struct PCTSchedulerTests {
    /// Two CPUs' steps, CPU 0 first in priority.
    func scheduler(changePoints: [(step: Int, low: Int)]) -> PCTScheduler {
        var generator = SeededGenerator(seed: 1)
        var scheduler = PCTScheduler(threads: 4, depth: 3, steps: 10, generator: &generator)
        // Threads 0 and 2 are CPU 0's and CPU 1's steps.
        scheduler.priorities = [9, 0, 8, 0]
        scheduler.changePoints = changePoints
        return scheduler
    }

    @Test func theHighestPriorityRunsUntilItsChangePoint() {
        var pct = scheduler(changePoints: [(step: 3, low: 1)])
        let enabled: [Action] = [.step(cpu: 1), .step(cpu: 0)]
        #expect(pct.choose(from: enabled, step: 0) == .step(cpu: 0))
        #expect(pct.choose(from: enabled, step: 1) == .step(cpu: 0))
        // Step 3 (1-based) is a change point: CPU 0 runs it and drops below CPU 1.
        #expect(pct.choose(from: enabled, step: 2) == .step(cpu: 0))
        #expect(pct.priorities[0] == 1)
        #expect(pct.choose(from: enabled, step: 3) == .step(cpu: 1))
    }

    @Test func ofTwoChangePointsOnOneStepTheLaterCounts() {
        var pct = scheduler(changePoints: [(step: 1, low: 2), (step: 1, low: 1)])
        _ = pct.choose(from: [.step(cpu: 0), .step(cpu: 1)], step: 0)
        #expect(pct.priorities[0] == 1)
    }

    @Test func theSameSeedDrawsTheSamePrioritiesAndChangePoints() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        let first = PCTScheduler(threads: 6, depth: 4, steps: 50, generator: &a)
        let second = PCTScheduler(threads: 6, depth: 4, steps: 50, generator: &b)
        #expect(first.priorities == second.priorities)
        #expect(first.changePoints.map(\.step) == second.changePoints.map(\.step))
        #expect(first.changePoints.map(\.low) == [1, 2, 3])
        #expect(Set(first.priorities) == Set(4..<10))
    }
}
