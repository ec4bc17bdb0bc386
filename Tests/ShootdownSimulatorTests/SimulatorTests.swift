import ShootdownModel
import ShootdownSimulator
import Testing

/// The timed simulation: calibrated against Dave Hansen's measurements, deterministic, safe
/// for the correct schemes, and the workloads and cost-model files it reads.
@Suite struct SimulatorTests {
    /// One CPU zaps `pages` pages it has cached: one local `flush_tlb_mm_range()`.
    func localFlushLatency(pages: Int) throws -> Int {
        let text = """
            cpus 1
            mm A
              map 0-63 write populated
            thread t mm=A cpu=0
              madvise 0-\(pages - 1)
            """
        let scenario = try ScenarioFormat.parse(text, source: "calibration")
        let result = Simulator(scenario: scenario, scheme: LinuxScheme()).run()
        #expect(result.flushLatencies.count == 1)
        return try #require(result.flushLatencies.first)
    }

    @Test(arguments: [(1, 1_276), (33, 8_534)])
    func localFlushCostIsWithinTwentyPercentOfHansen2014(pages: Int, cycles: Int) throws {
        let measured = try localFlushLatency(pages: pages)
        #expect(abs(measured - cycles) * 5 <= cycles, "\(pages) pages: \(measured) cycles, measured 2014: \(cycles)")
    }

    @Test func sameInputsSameFigures() throws {
        let scenario = try Workload(.tlbFlush2, cpus: 8, iterations: 5).scenario()
        let a = Simulator(scenario: scenario, scheme: RingScheme()).run()
        let b = Simulator(scenario: scenario, scheme: RingScheme()).run()
        #expect(a == b)
        #expect(a.events > 0)
    }

    @Test(arguments: Workload.Kind.allCases)
    func correctSchemesRunEveryWorkloadWithoutViolation(_ kind: Workload.Kind) throws {
        let scenario = try Workload(kind, cpus: 6, iterations: 4).scenario()
        let results = [
            Simulator(scenario: scenario, scheme: LinuxScheme()).run(),
            Simulator(scenario: scenario, scheme: LinuxScheme(.rfc15)).run(),
            Simulator(scenario: scenario, scheme: RingScheme()).run(),
        ]
        for result in results {
            #expect(result.violation == nil)
            #expect(!result.isStuck)
            #expect(result.counters.accesses > 0)
            #expect(result.counters.segfaults == 0)
        }
    }

    /// With transparent huge pages too (`compare --thp on`): faults map huge pages (or a fork
    /// shares a populated one), changes to part of one split it, and no scheme lets a stale
    /// entry through.
    @Test(arguments: Workload.Kind.allCases)
    func everyWorkloadRunsOnHugePages(_ kind: Workload.Kind) throws {
        var load = Workload(kind, cpus: 4, iterations: 3)
        load.hasTHP = true
        let scenario = try load.scenario()
        for result in [
            Simulator(scenario: scenario, scheme: LinuxScheme()).run(),
            Simulator(scenario: scenario, scheme: RingScheme()).run(),
        ] {
            #expect(result.violation == nil)
            #expect(!result.isStuck)
            #expect(result.counters.segfaults == 0)
            // munmap-micro's mmaps are small; mprotect-threaded's first mprotect splits the VMA
            // before any fault, so its faults are small too.
            let huge = result.counters.hugeFaults + result.counters.hugeFills + result.counters.thpSplits
            #expect((huge > 0) == ![.munmapMicro, .mprotectThreaded].contains(kind))
        }
    }

    /// An address space keeps every VMA it ever had (RFC 15's per-VMA generation): 300 rounds
    /// of munmap-micro's mmap are 301 of them, past the byte the index once fit in.
    @Test func hundredsOfMmapsRun() throws {
        let scenario = try Workload(.munmapMicro, cpus: 2, iterations: 300).scenario()
        let result = Simulator(scenario: scenario, scheme: LinuxScheme()).run()
        #expect(result.violation == nil)
        #expect(!result.isStuck)
        #expect(result.counters.nrTLBRemoteFlush == 300)
    }

    @Test func tlbFlush1NeverLeavesItsCPUAndTlbFlush2Does() throws {
        let one = Simulator(
            scenario: try Workload(.tlbFlush1, cpus: 4, iterations: 3).scenario(), scheme: LinuxScheme()
        )
        .run()
        #expect(one.counters.ipisSent == 0)
        #expect(one.counters.rangedFlushesLocal == 12)
        let two = Simulator(
            scenario: try Workload(.tlbFlush2, cpus: 4, iterations: 3).scenario(), scheme: LinuxScheme()
        )
        .run()
        #expect(two.counters.ipisSent > 0)
        #expect(two.counters.nrTLBRemoteFlush == 12)
    }

    @Test func aCPUWaitingForALockRunsWhenItIsReleased() throws {
        // t1's mprotect waits for mmap_lock, which t0's munmap holds for write: it must run
        // once the lock is dropped (the simulator re-reads the lock's waiters then), not stall.
        let text = """
            cpus 2
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              munmap 0-1; signal done
            thread t1 mm=A cpu=1
              mprotect 2-3 read; wait done
            """
        let result = Simulator(scenario: try ScenarioFormat.parse(text, source: "lock"), scheme: LinuxScheme()).run()
        #expect(!result.isStuck)
        #expect(result.violation == nil)
        #expect(result.counters.rangedFlushesLocal == 2)
    }

    @Test func twoHundredFiftySixCPUs() throws {
        // Every thread madvises its page once; every other CPU runs the mm, so each flush
        // interrupts the other 255, most of them beyond the first 64 bits of the cpumask.
        let result = Simulator(
            scenario: try Workload(.tlbFlush2, cpus: 256, iterations: 1, pages: 1, reads: 1).scenario(),
            scheme: LinuxScheme()
        ).run()
        #expect(result.violation == nil && !result.isStuck)
        #expect(result.counters.nrTLBRemoteFlush == 256)
        #expect(result.counters.ipisSent == 256 * 255)
        #expect(result.counters.nrTLBRemoteFlushReceived == 256 * 255)
    }

    @Test func forkCowCopiesEveryPageAndFlushesTheOthers() throws {
        // Two parent threads (cpu0 forks each round) and a child a round on cpu2.
        let result = Simulator(
            scenario: try Workload(.forkCow, cpus: 3, iterations: 2, pages: 4, reads: 0).scenario(),
            scheme: LinuxScheme()
        ).run()
        #expect(result.violation == nil)
        // Each round every parent page (8) and every child page it writes (4) is copied on its
        // first write: wp_page_copy, one ptep_clear_flush each.
        #expect(result.counters.pageFaults == 2 * (8 + 4))
        // fork's flush_tlb_mm and the parent's copies interrupt the other parent CPU.
        #expect(result.counters.ipisSent > 0)
    }

    @Test func tlbFlush3FlushesFully() throws {
        let result = Simulator(
            scenario: try Workload(.tlbFlush3, cpus: 2, iterations: 2).scenario(), scheme: LinuxScheme()
        ).run()
        #expect(result.counters.rangedFlushes == 0)
        #expect(result.counters.fullFlushesLocal == 4)
    }

    @Test func anIPIAddsItsLatencyToTheInitiator() throws {
        // cpu1 keeps A loaded; cpu0's flush waits for its acknowledgement.
        let text = """
            cpus 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              write 0; wait go; madvise 0; signal done
            thread t1 mm=A cpu=1
              read 1; signal go; spin done
            """
        let scenario = try ScenarioFormat.parse(text, source: "ipi")
        var costs = CostModel()
        let near = Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run()
        costs.ipiLatency += 10_000
        let far = Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run()
        #expect(near.counters.ipisSent == 1)
        #expect(far.flushLatencies[0] - near.flushLatencies[0] == 10_000)
        // And the acknowledgement's way back (csd_unlock() seen by the waiting initiator).
        costs = CostModel()
        costs.ackLatency += 10_000
        let slowAck = Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run()
        #expect(slowAck.flushLatencies[0] - near.flushLatencies[0] == 10_000)
    }

    @Test(arguments: Workload.Kind.allCases)
    func theOraclesAreLowerBoundsOverAHundredSeeds(_ kind: Workload.Kind) throws {
        for seed in UInt64(0)..<100 {
            let scenario = try Workload(kind, cpus: 3, iterations: 2, pages: 4, reads: 4, seed: seed).scenario()
            let hardware = Simulator(scenario: scenario, scheme: OracleScheme(.hardware)).run()
            let software = Simulator(scenario: scenario, scheme: OracleScheme(.software)).run()
            let schemes = [
                Simulator(scenario: scenario, scheme: LinuxScheme()).run(),
                Simulator(scenario: scenario, scheme: LinuxScheme(.rfc15)).run(),
                Simulator(scenario: scenario, scheme: RingScheme()).run(),
                Simulator(scenario: scenario, scheme: RingScheme(.union, size: 2)).run(),
            ]
            // Neither flushes for staleness (a full flush on a switch to a recycled ASID is not one).
            #expect(hardware.counters.ipisSent == 0 && hardware.counters.pagesInvalidated == 0)
            for oracle in [hardware, software] {
                #expect(oracle.counters.fullFlushesIPI + oracle.counters.fullFlushesLocal == 0)
            }
            for scheme in schemes + [software] {
                #expect(hardware.counters.tlbFills <= scheme.counters.tlbFills, "seed \(seed)")
            }
            // oracle-sw flushes where Linux does, exactly: no more IPIs and no entry dropped but
            // a stale one. (Its misses are no bound: a deferred flush that lands later, in another
            // schedule, leaves a pre-change entry usable longer.)
            for scheme in schemes {
                #expect(software.counters.ipisSent <= scheme.counters.ipisSent, "seed \(seed)")
                #expect(software.counters.entriesFlushed <= scheme.counters.entriesFlushed, "seed \(seed)")
            }
            #expect((schemes + [hardware, software]).allSatisfy { $0.violation == nil })
        }
    }

    @Test func aWorkingSetBeyondTheTLBEvictsAndMissesMore() throws {
        let scenario = try Workload(.tlbFlush1, cpus: 1, iterations: 4, pages: 4, reads: 64).scenario()
        var costs = CostModel()
        let roomy = Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run()
        costs.l2Entries = 32
        let small = Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run()
        #expect(roomy.counters.tlbEvictions == 0)
        #expect(small.counters.tlbEvictions > 0)
        #expect(small.counters.tlbFills > roomy.counters.tlbFills)
        #expect(small.counters.tlbL2Hits <= roomy.counters.tlbL2Hits)
        #expect(small.refillCycles > roomy.refillCycles)
    }

    @Test func aThreadIsPreemptedWhenItsSliceRunsOut() throws {
        // Two threads share cpu0 and never block: only the time slice switches between them.
        let text = """
            cpus 1
            mm A
              map 0-1 write populated
            thread a mm=A cpu=0
              write 0 x200
            thread b mm=A cpu=0
              write 1 x200
            """
        let scenario = try ScenarioFormat.parse(text, source: "slices")
        var costs = CostModel()
        let long = Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run()
        costs.timeSlice = 50
        let short = Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run()
        #expect(long.counters.contextSwitches == 2)  // a runs to its end, then b, then idle
        #expect(short.counters.contextSwitches >= long.counters.contextSwitches + 6)
        #expect(short.counters.accesses == 400 && long.counters.accesses == 400)
    }

    @Test func costModelFilesSetKeysAndRejectUnknownOnes() throws {
        let model = try CostModel.parse(#"{"invlpg": 100, "ipiLatency": 3000}"#, source: "c.json")
        #expect(model.invlpg == 100)
        #expect(model.ipiLatency == 3_000)
        #expect(model.step == CostModel().step)
        #expect(throws: CostModelError.self) { try CostModel.parse(#"{"invlpgs": 1}"#, source: "c.json") }
        #expect(throws: CostModelError.self) { try CostModel.parse(#"{"invlpg": -1}"#, source: "c.json") }
        #expect(throws: CostModelError.self) { try CostModel.parse("[1]", source: "c.json") }
        // A TLB level beyond its 32-bit recency ticks (it trapped in the simulator once).
        #expect(throws: CostModelError.self) { try CostModel.parse(#"{"l1Entries": 1e11}"#, source: "c.json") }
    }

    @Test func workloadParametersAreChecked() {
        #expect(throws: WorkloadError.self) { try Workload(.tlbFlush2, cpus: 257).validate() }
        #expect(throws: WorkloadError.self) { try Workload(.tlbFlush2, cpus: 4, iterations: 0).validate() }
        #expect(throws: WorkloadError.self) { try Workload(.forkCow, cpus: 250, iterations: 10).validate() }
        #expect(throws: WorkloadError.self) { try Workload(.forkCow, cpus: 1).validate() }
        // Rounds whose operations overflow a thread's script name --iterations, not the scenario format.
        #expect(throws: WorkloadError.self) { try Workload(.tlbFlush2, cpus: 2, iterations: 3000).scenario() }
    }
}
