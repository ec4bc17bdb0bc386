import Testing

@testable import ShootdownModel

/// What a blocked kernel step waits for: the lock that holds it, as both the checker's footprint
/// and the simulator's wake-ups read it.
@Suite struct WaitTests {
    @Test func forkWaitsForTheChildsMmapLockWhenOnlyThatIsHeld() throws {
        var w = try world(
            """
            cpus 1
            mm P
              map 0 write populated
            mm C
            thread t0 mm=P cpu=0
              fork C
            """)
        w.state.mms[1].mmapLock.isWriteLocked = true  // as if a thread of C held it
        w.perform(.step(cpu: 0))  // dup_mmap() is entered and waits at mmap_write_lock(C)
        #expect(!w.canStep(0))
        #expect(w.readiness(0).waitsOn == .mmapLock(mm: 1))
        w.state.mms[1].mmapLock.isWriteLocked = false
        #expect(w.canStep(0))
        #expect(w.readiness(0).waitsOn == .mmapLock(mm: 0))
    }

    @Test func aFaultWaitsForThePTLOfItsPage() throws {
        var w = try world(
            """
            cpus 1
            ptes-per-table 2
            mm A
              map 0-3 write
            thread t mm=A cpu=0
              write 3
            """)
        w.state.mms[0].ptlOwners[1] = 0  // page 3's table, held
        w.drive(0, until: { $0.readiness(0).waitsOn == .ptl(mm: 0, table: 1) })
        #expect(!w.canStep(0))
        w.state.mms[0].ptlOwners[1] = nil
        #expect(w.canStep(0))
    }
}
