import ShootdownChecker
import ShootdownModel
import Testing

/// Bitstate mode (`--bitstate SIZE`, SPIN's supertrace): bits instead of fingerprints.
@Suite struct BitstateTests {
    static func check<S: Scheme>(_ scenario: Scenario, _ scheme: S, bytes: Int?, reduction: Bool = false)
        -> ExhaustiveResult
    {
        var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme, usesReduction: reduction)
        checker.bitstateBytes = bytes
        return checker.run()
    }

    @Test func aStateIsSeenOnceItsBitsAreSet() {
        var table = BitstateTable(bytes: 1 << 20)
        let first = table.testAndSet(42)
        let again = table.testAndSet(42)
        let other = table.testAndSet(43)
        #expect(!first && again && !other)
        #expect(table.count == 2)
        #expect(table.hashFactor == Double(8 << 20) / 2)
    }

    /// With room to spare, bitstate mode stores exactly the states and reaches the terminal states
    /// that fingerprints do (without sleep sets, which it cannot keep), and expects no omission.
    @Test func withRoomItStoresEveryState() throws {
        let scenario = try #require(BuiltinScenarios.named("nested-madvise"))
        let bits = Self.check(scenario, LinuxScheme(), bytes: 16 << 20)
        let fingerprints = Self.check(scenario, LinuxScheme(), bytes: nil)
        #expect(bits.stats.states == fingerprints.stats.states)
        #expect(bits.terminalStates == fingerprints.terminalStates)
        #expect(!bits.usesReduction)
        let table = try #require(bits.bitstate)
        #expect(table.expectedOmissions < 0.01)
        #expect(table.hashFactor > 1000)
    }

    /// A table far too small omits states, and says so.
    @Test func aSmallTableOmitsStatesAndSaysSo() throws {
        let scenario = try #require(BuiltinScenarios.named("nested-madvise"))
        let bits = Self.check(scenario, LinuxScheme(), bytes: 4096)
        let table = try #require(bits.bitstate)
        #expect(bits.stats.states < 58_194)
        #expect(table.expectedOmissions > 100)
        #expect(table.hashFactor < 10)
        #expect(table.omissionProbability > 0.1)
    }

    /// Every mutant is caught in bitstate mode, on its scenario.
    @Test(arguments: CausalSliceTests.cases)
    func everyMutantIsCaught(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let caught = try SchemeCatalog.scheme(named: scheme).accept(Caught(scenario: scenario))
        #expect(caught)
    }

    struct Caught: SchemeVisitor {
        let scenario: Scenario
        func visit<S: Scheme>(_ scheme: S) -> Bool {
            BitstateTests.check(scenario, scheme, bytes: 1 << 20).violation != nil
        }
    }
}
