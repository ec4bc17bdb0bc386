import ShootdownModel
import Testing

/// Paging-structure caches and freed page tables: `free_pgtables()` unhooks a table after the
/// zap, `tlb_finish_mmu()` frees it after the flush, and a CPU whose loaded PCID may still
/// walk it (lazy ones included) is a violation (`freed-table-walk`).
@Suite struct PagingStructureTests {
    /// Two address spaces on cpu0: A's thread blocks while cpu1 frees A's second page table, B's
    /// thread runs meanwhile (cpu0 leaves A's ASID with the table cached), then A's thread
    /// returns.
    static let switchBack = """
        cpus 2
        pages 4
        ptes-per-table 2
        mm A
          map 0-1 write populated
          map 2-3 write populated
        mm B
          map 0 write populated
        thread a0 mm=A cpu=0
          read 2; signal touched; wait freed; read 0
        thread b0 mm=B cpu=0
          read 0
        thread a1 mm=A cpu=1
          wait touched; munmap 2-3; signal freed
        """

    /// On `freed-tables` the flush interrupts the lazy CPU (it switches to `init_mm`) before the
    /// table is freed; a kernel that skips lazy CPUs frees the table under its loaded PCID.
    @Test func lazyCPUsGetTheFlushOfFreedTables() throws {
        let scenario = try #require(BuiltinScenarios.named("freed-tables"))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        #expect(linux.outcome == .completed)
        #expect(linux.world.counters.pageTablesFreed == 1)
        let caught = Runner(scenario: scenario, scheme: LinuxScheme(mutation: .lazyFreedTables)).run(.roundRobin)
        let violation = try #require(caught.violation)
        #expect(violation.kind == .freedTableWalk)
        #expect(violation.mm == 0 && violation.page == 0)
        #expect(caught.world.state.cpus[violation.cpu].tlbState.isLazy)
        #expect(caught.world.counters.ipisSkippedLazy == 1)
    }

    /// A PCID left with a table cached keeps the entry while the table is freed; switching back
    /// without a flush (a kernel that skips choose_new_asid()'s generation compare) walks it.
    @Test func aPCIDLeftBeforeTheFreeMustFlushOnReturn() throws {
        let scenario = try ScenarioFormat.parse(Self.switchBack, source: "switch-back")
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        #expect(linux.outcome == .completed)
        #expect(linux.world.counters.pageTablesFreed == 1)
        // cpu1's own INVLPG in the munmap's flush, and cpu0's return to A: a CR3 write with a
        // flush that drops the freed table's entry.
        #expect(linux.world.counters.pscFlushes == 2)
        let mutant = Runner(scenario: scenario, scheme: LinuxScheme(mutation: .noSwitchCatchup)).run(.roundRobin)
        #expect(mutant.violation?.kind == .freedTableWalk)
        #expect(mutant.violation?.cpu == 0)
        #expect(mutant.violation?.page == 2)
    }

    /// Only tables some run can free are tracked: an munmap that leaves a VMA in the table
    /// frees nothing, and a scenario without any keeps every CPU's cache empty.
    @Test func onlyFreeableTablesAreTracked() throws {
        let freed = try #require(BuiltinScenarios.named("freed-tables"))
        #expect(freed.freeablePageTables == [1])
        let partial = try ScenarioFormat.parse(
            "cpus 1\nmm A\n  map 0-1 write populated\nthread t mm=A cpu=0\n  munmap 0; read 1", source: "partial")
        #expect(partial.freeablePageTables == [0])
        let twoTables = try ScenarioFormat.parse(Self.switchBack, source: "switch-back")
        #expect(twoTables.freeablePageTables == [0b10, 0])
        let remote = try #require(BuiltinScenarios.named("remote-ipi"))
        let world = Runner(scenario: remote, scheme: LinuxScheme()).run(.roundRobin).world
        #expect(world.state.cpus.allSatisfy { $0.pagingStructures.isEmpty })
    }

    /// More freeable page tables than a cache line has bits is refused with the way out.
    @Test func tooManyFreeableTablesIsAnError() {
        let text = "cpus 1\npages 100\nptes-per-table 1\nmm A\n  map 0-99 write\nthread t mm=A cpu=0\n  munmap 0-99"
        #expect(throws: ScenarioError.self) { try ScenarioFormat.parse(text, source: "wide") }
        do {
            _ = try ScenarioFormat.parse(text, source: "wide")
        } catch {
            #expect("\(error)".contains("ptes-per-table"))
        }
    }

    /// The cache's rules: a tag left keeps the tables hooked then; the loaded tag caches every
    /// hooked table, so an unhook marks it and the tags that cached the table; a free is
    /// dangerous only where the table is cached; any flush of a tag (INVLPG included) drops
    /// its lines.
    @Test func cacheLinesFollowUnhookFreeAndFlush() {
        var cache = PagingStructureCache()
        // mm 0 left in tag 1 with tables 0 and 1 hooked; mm 1 left in tag 3 with table 0.
        cache.leave(tag: 1, mm: 0, hooked: 0b11)
        cache.leave(tag: 3, mm: 1, hooked: 0b01)
        // mm 0, loaded in tag 2 now, unhooks table 1.
        cache.unhook(mm: 0, tables: 0b10, loadedTag: 2)
        #expect(cache.lines.map(\.tag) == [1, 2, 3])
        #expect(cache.lines.map(\.unhooked) == [0b10, 0b10, 0])
        #expect(cache.lines.map(\.cached) == [0b01, 0, 0b01])
        cache.free(mm: 0, tables: 0b10)
        #expect(cache.freedTable(tag: 1)?.table == 1)
        #expect(cache.freedTable(tag: 2)?.table == 1)
        #expect(cache.freedTable(tag: 3) == nil)
        #expect(!cache.holdsDangling(tag: 3))
        let dangling = cache.flush(tag: 1)
        #expect(dangling)
        #expect(cache.freedTable(tag: 1) == nil)
        let nothing = cache.flush(tag: 4)
        #expect(!nothing)
        // Loading tag 3 again forgets what it kept of hooked tables (it caches them all now).
        cache.load(tag: 3)
        #expect(cache.lines.map(\.tag) == [2])
        cache.dropFreed()
        #expect(cache.isEmpty)
    }
}
