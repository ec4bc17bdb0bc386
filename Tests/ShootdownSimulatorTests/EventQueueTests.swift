import ShootdownModel
import Testing

@testable import ShootdownSimulator

/// The simulator's event queue: the earliest start, the lowest CPU on a tie, as a scan would.
@Suite struct EventQueueTests {
    @Test func earliestStartWinsAndTheLowerCPUOnATie() {
        var queue = EventQueue(cpus: 5)
        #expect(queue.earliest == nil)
        queue.set(3, start: 100)
        queue.set(1, start: 100)
        queue.set(4, start: 50)
        #expect(queue.earliest?.cpu == 4 && queue.earliest?.start == 50)
        queue.set(4, start: nil)
        #expect(queue.earliest?.cpu == 1 && queue.earliest?.start == 100)
        queue.set(1, start: 200)
        #expect(queue.earliest?.cpu == 3)
        queue.set(3, start: nil)
        queue.set(1, start: nil)
        #expect(queue.earliest == nil)
    }

    @Test func oneCPU() {
        var queue = EventQueue(cpus: 1)
        queue.set(0, start: 7)
        #expect(queue.earliest?.cpu == 0 && queue.earliest?.start == 7)
    }

    @Test(arguments: [3, 16, 100, 256])
    func agreesWithAScanOverManyUpdates(cpus: Int) {
        var queue = EventQueue(cpus: cpus)
        var starts = [Int?](repeating: nil, count: cpus)
        var random = SeededGenerator(seed: UInt64(cpus))
        for _ in 0..<5_000 {
            let cpu = random.next(below: cpus)
            let start: Int? = random.next(below: 2) == 0 ? nil : random.next(below: 50)
            starts[cpu] = start
            queue.set(cpu, start: start)
            let scan = starts.indices.filter { starts[$0] != nil }.min { (starts[$0]!, $0) < (starts[$1]!, $1) }
            #expect(queue.earliest?.cpu == scan)
            #expect(queue.earliest?.start == scan.map { starts[$0]! })
        }
    }
}
