import ShootdownModel
import Testing

/// Write permission on a page shared copy-on-write since fork comes only through a copy, on
/// every path that grants or restores write (mm/mprotect.c `can_change_pte_writable()`,
/// `change_prot_numa()`, `do_numa_page()`, `remove_migration_pte()`, 6.6); the safety oracle
/// flags a write into a frame another address space still maps (`shared-write`).
@Suite struct CopyOnWriteTests {
    static func text(_ script: String, cpus: Int = 1) -> String {
        """
        cpus \(cpus)
        mm P
          map 0 write populated
        mm C
        thread t0 mm=P cpu=0
          \(script)
        """
    }

    /// mprotect back to PROT_WRITE leaves the shared page read-only; the write copies it.
    @Test func mprotectGrantsWriteOnlyToAnExclusivePage() throws {
        let text = Self.text("fork C; mprotect 0 read; mprotect 0 write; write 0")
        let linux = try runRoundRobin(text)
        #expect(linux.outcome == .completed)
        #expect(linux.world.state.mms[0].ptes[0] == .mapping(1, writable: true))
        #expect(linux.world.state.mms[1].ptes[0] == .mapping(0, writable: false))
        #expect(!linux.world.state.frames.isShared(0))
        let mutant = try runRoundRobin(text, scheme: LinuxScheme(mutation: .noAnonExclusive))
        #expect(mutant.violation?.kind == .sharedWrite)
        #expect(mutant.violation?.frame == 0)
    }

    /// A fork after NUMA hinting shares the PROT_NONE page; the hinting fault restores it
    /// read-only, so the write copies it.
    @Test func theNUMAFaultRestoresASharedPageReadOnly() throws {
        let text = Self.text("numa-hint 0; fork C; write 0")
        let linux = try runRoundRobin(text)
        #expect(linux.outcome == .completed)
        #expect(linux.world.state.mms[0].ptes[0] == .mapping(1, writable: true))
        #expect(linux.world.state.mms[1].ptes[0].frame == 0)
        let mutant = try runRoundRobin(text, scheme: LinuxScheme(mutation: .noAnonExclusive))
        #expect(mutant.violation?.kind == .sharedWrite)
    }

    /// `change_prot_numa()` skips a page shared copy-on-write: nothing changes, nothing to flush.
    @Test func numaHintingSkipsASharedPage() throws {
        let result = try runRoundRobin(Self.text("fork C; numa-hint 0"))
        #expect(result.outcome == .completed)
        #expect(result.world.state.mms[0].ptes[0] == .mapping(0, writable: false))
        // fork's own flush_tlb_mm() is the only flush.
        #expect(result.world.state.mms[0].tlbGen == 1)
    }

    /// Migration of a NUMA-hinted page maps the new frame read-only (the migration entry of a
    /// PROT_NONE PTE is not writable); the next write faults and `do_wp_page()` reuses the page.
    @Test func migrationRemapsAHintedPageReadOnly() throws {
        var w = try world(Self.text("numa-hint 0; migrate 0; write 0"))
        w.drive(0, until: { $0.state.threads[0].pc == 2 })
        #expect(w.state.mms[0].ptes[0] == .mapping(1, writable: false))
        let faults = w.counters.pageFaults
        w.finish()
        #expect(w.violation == nil)
        #expect(w.state.mms[0].ptes[0] == .mapping(1, writable: true))
        #expect(w.counters.pageFaults == faults + 1)
    }
}
