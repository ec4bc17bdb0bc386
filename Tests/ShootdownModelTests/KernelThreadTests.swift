import ShootdownModel
import Testing

/// Kernel threads that work on another address space (`kthread NAME cpu=N target=MM`): kswapd's
/// reclaim, kcompactd's migration, khugepaged's collapse start flushes from a CPU that does not
/// run the mm, so nothing is flushed locally and every CPU of the mm is interrupted.
@Suite struct KernelThreadTests {
    /// kswapd reclaims a page of A, which cpu0 runs: the batched flush interrupts cpu0 and
    /// leaves cpu1 (idle in `init_mm`) alone.
    @Test func kswapdFlushesOnlyTheCPUsOfTheMM() throws {
        let result = try runRoundRobin(
            """
            cpus 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              read 0; signal touched; spin done; read 0
            kthread kswapd cpu=1 target=A
              wait touched; reclaim 0; signal done
            """)
        #expect(result.violation == nil)
        #expect(result.counters.nrTLBRemoteFlush == 1)
        #expect(result.counters.fullFlushesIPI == 1)
        #expect(result.counters.fullFlushesLocal == 0)
        #expect(result.counters.nrTLBLocalFlushOne == 0)
        // cpu0's next read faults a new page in.
        #expect(result.counters.pageFaults == 1)
        #expect(result.world.state.cpus[1].tlbState.loadedMM != 0)
    }

    /// A kernel thread's memory operations need the mm they work on; a user operation is
    /// refused either way.
    @Test func aKernelThreadNamesItsTarget() {
        let cases = [
            ("kthread k cpu=0\n  reclaim 0", "target=MM"),
            ("kthread k cpu=0 target=B\n  reclaim 0", "an address space declared above"),
            ("kthread k cpu=0 target=A\n  write 0", "a kernel thread"),
            ("kthread k cpu=0 mm=A\n  work", "kthread NAME cpu=N [target=MM]"),
        ]
        for (thread, expected) in cases {
            expectRefused("cpus 1\nmm A\n  map 0-1 write\n" + thread, mentioning: expected)
        }
    }
}
