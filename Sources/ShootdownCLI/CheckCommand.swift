import ArgumentParser
import Foundation
import ShootdownChecker
import ShootdownModel
import ShootdownReport

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore the schedules of a scenario: every one (exhaustive) or many random ones (PCT).",
        discussion: """
            Exits 0 when no violation is found, 1 with a shrunk counterexample (saved as JSON for \
            `shootdown replay`), 2 on bad input.

            Examples:
              shootdown check --scenario seed-thread --scheme rfc15-buggy
              shootdown check --scenario my-scenario.txt --scheme linux~no-ipi --format json
              shootdown check --scenario nested-madvise --mode random --runs 5000 --jobs 2
            """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable { case exhaustive, random }

    @OptionGroup var scenarioOption: ScenarioOption

    @OptionGroup var schemeOption: SchemeOption

    @Option(help: "exhaustive: every schedule within the bounds; random: seeded runs.")
    var mode: Mode = .exhaustive

    @Option(help: "Exhaustive: longest schedule explored.")
    var maxDepth = CheckBounds.standard.maxDepth

    @Option(help: "Exhaustive: preemptions per schedule (threads switched out while they could go on).")
    var maxPreemptions = CheckBounds.standard.maxPreemptions

    @Flag(help: "Exhaustive: explore without sleep sets (partial-order reduction).")
    var noReduction = false

    @Flag(
        help: "Exhaustive: source-set DPOR on top of sleep sets: explores fewer states, one worker (docs/checker.md).")
    var sourceSets = false

    @Flag(
        inversion: .prefixedNo,
        help: """
            Exhaustive, on unless --no-movers: run an IPI handler from delivery to acknowledgement, a lock's \
            acquisition and release, and a completed wait in one action with the step they move to (Lipton's \
            reduction): fewer states, the same verdicts (docs/checker.md).
            """)
    var movers: Bool?

    @Flag(
        inversion: .prefixedNo,
        help: """
            Exhaustive, on unless --no-dead-entries: states that differ only in TLB entries no thread will use \
            again are one state (dead-variable reduction; docs/checker.md).
            """)
    var deadEntries: Bool?

    @Flag(help: "Exhaustive: also explore without sleep sets and report both.")
    var compareReduction = false

    @Option(
        help: """
            Exhaustive: memory the visited states may take, e.g. 512M or 2G (default: half the machine); \
            past it the search stops and reports what it covered (exit 3).
            """)
    var maxMemory: String?

    @Option(help: "Random: pct or uniform.")
    var strategy: RandomStrategy = .pct

    @Option(help: "Random: number of runs.")
    var runs = 1000

    @Option(help: "Random: PCT's bug depth d.")
    var depth = 3

    @Option(help: "Random: seed of run 0 (run i uses seed + i).")
    var seed: UInt64 = 0

    @Option(
        help: """
            Parallel workers (default: the core count). Exhaustive: the verdict and any counterexample are \
            the same for every N; above 1 the state counts of a pass depend on the timing (--jobs 1 for \
            reproducible ones). Random: nothing depends on it.
            """)
    var jobs: Int?

    @Option(
        help: """
            K/N: this machine's share of the search. Exhaustive: the states whose fingerprint at the \
            split depth is K-1 modulo N (and every state above it); random: the runs whose index is K-1 \
            modulo N. `shootdown merge` combines the N results into one verdict.
            """)
    var shard = "1/1"

    @Option(
        help: """
            Exhaustive, with --jobs above 1 or --shard: the depth (actions from boot) at which the \
            states are shared out.
            """
    )
    var splitDepth = 12

    @Option(
        help: ArgumentHelp(
            """
            Exhaustive: bitstate mode (SPIN's supertrace): the visited states as 3 bits each of an array of \
            SIZE (512M, 2G) instead of fingerprints, for scenarios past memory; some states are omitted and \
            the report estimates how many. No sleep sets, one worker.
            """, valueName: "SIZE"))
    var bitstate: String?

    @Option(help: "Where to save a counterexample (default: counterexample-SCENARIO-SCHEME.json).")
    var save: String?

    @OptionGroup var output: CounterexampleFormatOption

    @OptionGroup var progress: ProgressOption

    @OptionGroup var timelineView: TimelineViewOption

    @OptionGroup var html: HTMLOption

    @Flag(help: "Print 0 for the wall-clock figures, so that equal inputs print equal bytes.")
    var noTiming = false

    func validate() throws {
        guard maxDepth > 0 else { throw ValidationError("--max-depth must be positive, found \(maxDepth)") }
        guard maxPreemptions >= 0 else {
            throw ValidationError("--max-preemptions must not be negative, found \(maxPreemptions)")
        }
        guard runs > 0 else { throw ValidationError("--runs must be positive, found \(runs)") }
        guard depth > 0 else { throw ValidationError("--depth must be positive, found \(depth)") }
        guard splitDepth >= 1 else { throw ValidationError("--split-depth must be positive, found \(splitDepth)") }
        if let jobs, !(1...64).contains(jobs) { throw ValidationError("--jobs takes 1 to 64, found \(jobs)") }
        if let bitstate {
            guard ByteSize.parse(bitstate) != nil else {
                throw ValidationError(
                    "--bitstate takes a size such as 512M or 2G (K, M, G: powers of 1024), not '\(bitstate)'")
            }
            guard mode == .exhaustive else { throw ValidationError("--bitstate is for exhaustive mode") }
            guard (jobs ?? 1) == 1, shard == "1/1" else {
                throw ValidationError("--bitstate runs one worker over the whole search: drop --jobs and --shard")
            }
        }
        guard parseShard(shard) != nil else {
            throw ValidationError("--shard takes K/N with 1 <= K <= N, found '\(shard)'")
        }
        if let movers, mode != .exhaustive {
            throw ValidationError("--\(movers ? "" : "no-")movers is for exhaustive mode")
        }
        if let deadEntries, mode != .exhaustive {
            throw ValidationError("--\(deadEntries ? "" : "no-")dead-entries is for exhaustive mode")
        }
        if sourceSets {
            guard mode == .exhaustive else { throw ValidationError("--source-sets is for exhaustive mode") }
            guard !noReduction, bitstate == nil else {
                throw ValidationError(
                    "--source-sets works on top of sleep sets and keeps the subtrees' summaries: drop --no-reduction and --bitstate"
                )
            }
            guard (jobs ?? 1) == 1, shard == "1/1" else {
                throw ValidationError("--source-sets runs one worker over the whole search: drop --jobs and --shard")
            }
        }
    }

    func run() throws {
        let scenario = try scenarioOption.load()
        let parsed = try schemeOption.parsed()
        let most = mode == .exhaustive ? ExhaustiveChecker<LinuxScheme>.maxCPUs : 10
        guard scenario.cpuCount <= most else {
            throw fail(
                "the \(mode.rawValue) checker handles at most \(most) CPUs; the scenario has \(scenario.cpuCount)"
                    + (mode == .exhaustive ? " (random mode takes up to 10: --mode random)" : ""))
        }
        let memory = try memoryBound()
        var report = try parsed.accept(Visitor(command: self, scenario: scenario, memory: memory))
        if noTiming {
            report.seconds = 0
            report.statesPerSecond = 0
        }
        switch output.format {
        case .json: print(report.json())
        case .text: print(report.text(cpus: scenario.cpuCount, view: timelineView.view))
        case .markdown: print(report.markdown())
        }
        try html.write(report.counterexample, cpus: scenario.cpuCount)
        if report.counterexample != nil { throw ExitCode(1) }
        if report.incomplete != nil { throw ExitCode(3) }
    }

    /// `--jobs`, or the core count.
    var workers: Int { jobs ?? min(64, ProcessInfo.processInfo.activeProcessorCount) }

    /// `--max-memory` in bytes, or half the machine's memory.
    func memoryBound() throws -> Int {
        guard let maxMemory else { return Int(ProcessInfo.processInfo.physicalMemory / 2) }
        guard let bytes = ByteSize.parse(maxMemory) else {
            throw fail("--max-memory takes a size such as 512M or 2G (K, M, G: powers of 1024), not '\(maxMemory)'")
        }
        return bytes
    }

    func check<S: Scheme>(_ scenario: Scenario, _ scheme: S, memory: Int) -> CheckReport {
        mode == .exhaustive ? exhaustive(scenario, scheme, memory: memory) : random(scenario, scheme)
    }

    func exhaustive<S: Scheme>(_ scenario: Scenario, _ scheme: S, memory: Int) -> CheckReport {
        let bounds = CheckBounds(maxDepth: maxDepth, maxPreemptions: maxPreemptions)
        var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds, usesReduction: !noReduction)
        checker.maxMemory = memory
        checker.usesSourceSets = sourceSets
        checker.fusesMovers = movers ?? true
        checker.omitsDeadEntries = deadEntries ?? true
        checker.jobs = bitstate == nil && !sourceSets ? workers : 1
        checker.bitstateBytes = bitstate.flatMap(ByteSize.parse)
        checker.shard = parseShard(shard)!
        checker.splitDepth = splitDepth
        checker.shouldStop = Interrupt.requested
        Interrupt.install()
        let meter = Progress(enabled: !progress.quiet)
        let result = checker.run(progress: { stats in
            // The tree position runs behind, then jumps (ExhaustiveChecker.treePosition).
            let done = stats.fractionDone.map { "  ~\(Int($0 * 100))% of the tree by position" } ?? ""
            meter.update(
                "states \(stats.states)  states/s \(Int(stats.statesPerSecond))  depth \(stats.depth)  "
                    + "transitions \(stats.transitions)  memory \(stats.bytes >> 20) MB of \(memory >> 20)\(done)  "
                    + "(Ctrl-C: stop and report)")
        })
        meter.finish()
        var report = CheckReport(
            exhaustive: result, scenario: scenarioOption.scenario, scheme: scheme.name,
            counterexample: counterexample(scenario, scheme, result.schedule))
        report.maxMemory = memory
        report.bitstate = result.bitstate.map(CheckReport.Bitstate.init)
        report.jobs = checker.jobs
        if shard != "1/1" {
            report.shard = shard
            report.splitDepth = checker.splitDepth
        }
        if compareReduction {
            var other = checker
            other.usesReduction.toggle()
            let r = other.run()
            report.withoutReduction = .init(
                states: noReduction ? result.stats.states : r.stats.states,
                transitions: noReduction ? result.stats.transitions : r.stats.transitions)
        }
        return report
    }

    func random<S: Scheme>(_ scenario: Scenario, _ scheme: S) -> CheckReport {
        var checker = RandomChecker(
            scenario: scenario, scheme: scheme, strategy: strategy, depth: depth, runs: runs, seed: seed,
            jobs: workers)
        checker.shard = parseShard(shard)!
        let meter = Progress(enabled: !progress.quiet)
        let clock = ContinuousClock()
        let start = clock.now
        let total = runs
        let result = checker.run(progress: { done in meter.update("runs \(done)/\(total)") })
        meter.finish()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var report = CheckReport(
            random: result, seconds: seconds, scenario: scenarioOption.scenario, scheme: scheme.name,
            counterexample: counterexample(scenario, scheme, result.schedule))
        if shard != "1/1" { report.shard = shard }
        return report
    }

    /// Shrinks, saves and returns the counterexample of `schedule`, if there is one.
    func counterexample<S: Scheme>(_ scenario: Scenario, _ scheme: S, _ schedule: [Action]?) -> Counterexample? {
        guard let schedule else { return nil }
        let shrunk = Shrinker(scenario: scenario, scheme: scheme).shrink(schedule)
        let base = URL(fileURLWithPath: scenarioOption.scenario).deletingPathExtension().lastPathComponent
        let path = save ?? "counterexample-\(base)-\(scheme.name.replacingOccurrences(of: "~", with: "-")).json"
        guard
            let example = Counterexample(
                scenario: scenario, scheme: scheme, schedule: shrunk, replay: "shootdown replay \(path)")
        else { return nil }
        do {
            try (JSONOutput.encode(example) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            var stderr = StandardError()
            print("warning: could not save the counterexample to \(path): \(error.localizedDescription)", to: &stderr)
        }
        return example
    }
}

extension Check {
    /// ``check(_:_:)`` with the scheme's concrete type (``AnyScheme/accept(_:)``).
    struct Visitor: SchemeVisitor {
        let command: Check
        let scenario: Scenario
        let memory: Int
        func visit<S: Scheme>(_ scheme: S) -> CheckReport { command.check(scenario, scheme, memory: memory) }
    }
}
