import Foundation
import Testing

@testable import ShootdownModel

@Suite struct OracleTests {
    static let twoCPUs = """
        cpus 2
        mm A
          map 0-1 write populated
        thread t0 mm=A cpu=0
          write 0; signal touched; spin done; write 0
        thread t1 mm=A cpu=1
          wait touched; mprotect 0 read; signal done
        """

    @Test func writeThroughAWritableEntryAfterMprotectIsAStaleWrite() throws {
        let result = try runRoundRobin(Self.twoCPUs, scheme: LinuxScheme(mutation: .noIPI))
        let violation = try #require(result.violation)
        #expect(violation.kind == .staleWrite)
        #expect(violation.revocation?.thread == 1)
        #expect(violation.revocation?.op == 1)
        #expect(result.world.describe(violation).contains("after t1's `mprotect 0 read` returned"))
    }

    @Test func linuxFlushesTheWritableEntryAndTheWriteFaults() throws {
        let result = try runRoundRobin(Self.twoCPUs)
        #expect(result.violation == nil)
        #expect(result.counters.segfaults == 1)  // the VMA is read-only now
    }

    @Test func readsThroughAWriteRevokedEntryAreAllowed() throws {
        let text = Self.twoCPUs.replacingOccurrences(of: "spin done; write 0", with: "spin done; read 0")
        let result = try runRoundRobin(text, scheme: LinuxScheme(mutation: .noIPI))
        #expect(result.violation == nil)
        #expect(result.counters.tlbHits == 1)
    }

    @Test func staleEntryIsHarmlessUntilTheOperationReturns() throws {
        var w = try world(Self.twoCPUs, scheme: LinuxScheme(mutation: .noIPI))
        w.drive(0, until: { $0.state.events[0] })
        w.drive(1, until: { $0.state.mms[0].ptes[0].isWritable == false })  // PTE changed, mprotect still running
        let entry = try #require(w.state.cpus[0].tlb.lookup(asid: 1, page: 0))
        #expect(entry.writeRevoked?.isDue == false)
        w.drive(1, until: { $0.state.threads[1].pc == 2 })  // mprotect returned
        #expect(w.state.cpus[0].tlb.lookup(asid: 1, page: 0)?.writeRevoked?.isDue == true)
    }

    @Test func everyCPUWaitingIsADeadlock() throws {
        var w = try world("cpus 1\nmm A\nthread t mm=A cpu=0\n  read 0\n")
        var call = FlushTLBMMRangeCall(mm: 0, start: 0, end: 1, freedTables: false)
        call.pc = .wait
        w.state.cpus[0].stack = [.flushTLBMMRange(call)]
        w.state.cpus[0].pendingAcks = 1
        var actions: [Action] = []
        w.enabledActions(into: &actions)
        #expect(actions.isEmpty)
        let recorded = w.checkDeadlock()
        #expect(recorded)
        #expect(w.violation?.kind == .deadlock)
    }

    @Test func anEntryOfAnotherAddressSpaceIsCaught() throws {
        var w = try world(
            "cpus 1\nmm A\n  map 0 write populated\nmm B\n  map 0 write populated\nthread t mm=A cpu=0\n  read 0\n")
        w.drive(0, until: { $0.state.cpus[0].tlbState.loadedMM == 0 })
        // Plant an entry of B under A's ASID, as a slot reused without a flush would leave it.
        w.state.cpus[0].tlb.fill(
            TLBEntry(asid: w.state.cpus[0].tlbState.loadedASID, page: 0, frame: 1, isWritable: true, mm: 1))
        w.finish()
        #expect(w.violation?.kind == .wrongAddressSpace)
    }
}
