import ShootdownModel
import Testing

@testable import ShootdownSimulator

/// The packed wait codes: a lock's waiters, found eight lanes a compare, are exactly the CPUs
/// whose readiness waits on it, at every table size (partial last groups and words included).
@Suite struct CPUTableTests {
    @Test(arguments: [1, 5, 8, 16, 63, 64, 70, 256])
    func waitersMatchAScan(cpus: Int) {
        var generator = SeededGenerator(seed: UInt64(cpus))
        let locks: [Location?] = [nil, .mmapLock(mm: 0), .mmapLock(mm: 1), .ptl(mm: 0, table: 2), .acks(cpu: 0)]
        let waits = (0..<cpus).map { _ in locks[generator.next(below: locks.count)] }
        let table = CPUTable(
            waits.enumerated().map { cpu, wait in
                SimulatedCPU(
                    readiness: CPUReadiness(
                        canInterrupt: false, canStep: false, canPreempt: false, isFlushing: false, waitsOn: wait),
                    acksCode: Location.acks(cpu: cpu).code)
            })
        defer { table.deallocate() }
        for lock in locks.compactMap({ $0 }) {
            for word in 0..<table.words {
                var expected: UInt64 = 0
                for lane in 0..<min(64, cpus - word * 64) where waits[word * 64 + lane] == lock {
                    expected |= 1 << UInt64(lane)
                }
                #expect(table.waiters(on: lock.code, word: word) == expected, "\(lock) word \(word)")
            }
        }
    }
}
