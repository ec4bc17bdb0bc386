import ShootdownChecker
import ShootdownModel

/// The result of `shootdown check`, in the shape scripts rely on (README.md, "shootdown check").
/// Every field but `seconds` and `statesPerSecond` is the same for the same inputs, but that an
/// exhaustive pass with `jobs` above 1 counts states, transitions and depth as its workers' timing
/// had it (the verdict and any counterexample are the same for every `jobs`).
public struct CheckReport: Codable, Sendable {
    public var result: String
    public var mode: String
    public var scenario: String
    public var scheme: String
    public var states: Int
    public var transitions: Int
    public var maxDepth: Int
    public var seconds: Double
    public var statesPerSecond: Double
    public var bounds: CheckBounds?
    public var reduction: Bool?
    /// Whether source-set DPOR pruned states on top of the sleep sets (`--source-sets`).
    public var sourceSets: Bool?
    /// Whether movers ran in one action with the step they move to (`--movers`); absent when not.
    public var movers: Bool?
    /// Whether TLB entries no thread will use again were left out of the states
    /// (`--dead-entries`); absent when not.
    public var deadEntries: Bool?
    /// Whether sleep sets were asked for and left off because the scheme reads other CPUs' TLB
    /// entries (the oracles); absent when not.
    public var sleepSetsRefused: Bool?
    public var collisionProbability: Double?
    public var bytesPerState: Double?
    public var depthBoundHits: Int?
    /// Why an exhaustive search stopped before it explored every schedule (`memory`: its
    /// `--max-memory` bound; `interrupted`: Ctrl-C), with `result` "incomplete"; absent when it
    /// finished.
    public var incomplete: String?
    /// Exhaustive: the workers that searched (`--jobs`).
    public var jobs: Int?
    /// `K/N` for one machine's share of a search (`--shard`): exhaustive, the states whose
    /// fingerprint at `splitDepth` actions from boot is K-1 modulo N, and every state above;
    /// random, the runs whose index is K-1 modulo N. Absent for a whole search.
    public var shard: String?
    /// Exhaustive shards: the depth at which the shards share out the states.
    public var splitDepth: Int?
    /// Bitstate mode (`--bitstate`): the table and its omission estimates.
    public var bitstate: Bitstate?

    /// What a bitstate search stored and how much it may have missed (``BitstateTable``).
    public struct Bitstate: Codable, Sendable {
        public var bytes: Int
        public var hashes: Int
        /// The probability that a new state would be taken as seen, at the end.
        public var omissionProbability: Double
        /// States expected to have been taken as seen though new.
        public var expectedOmissions: Double
        /// Bits per stored state (SPIN's hash factor).
        public var hashFactor: Double

        public init(_ table: BitstateTable) {
            bytes = table.bytes
            hashes = table.hashes
            omissionProbability = table.omissionProbability
            expectedOmissions = table.expectedOmissions
            hashFactor = table.hashFactor
        }
    }
    /// The memory bound it ran under, in bytes (`--max-memory`).
    public var maxMemory: Int?
    /// Exhaustive without reduction, when asked for (`--compare-reduction`).
    public var withoutReduction: Comparison?
    public var random: RandomSummary?
    public var counterexample: Counterexample?

    /// States and transitions of the same exploration without sleep sets.
    public struct Comparison: Codable, Sendable {
        public var states: Int
        public var transitions: Int

        public init(states: Int, transitions: Int) {
            self.states = states
            self.transitions = transitions
        }
    }

    /// PCT's figures.
    public struct RandomSummary: Codable, Sendable {
        public var strategy: String
        public var runs: Int
        public var n: Int
        public var k: Int
        public var d: Int
        public var perRunBound: Double
        public var runsFor95: Int
        public var failingRun: Int?
        public var failingSeed: UInt64?
    }

    /// The report of an exhaustive exploration.
    public init(exhaustive r: ExhaustiveResult, scenario: String, scheme: String, counterexample: Counterexample?) {
        result = r.violation != nil ? "violation" : r.stats.isIncomplete ? "incomplete" : "pass"
        incomplete =
            r.violation != nil ? nil : r.stats.hitMemoryBound ? "memory" : r.stats.wasInterrupted ? "interrupted" : nil
        mode = "exhaustive"
        self.scenario = scenario
        self.scheme = scheme
        states = r.stats.states
        transitions = r.stats.transitions
        maxDepth = r.stats.maxDepth
        seconds = r.stats.seconds
        statesPerSecond = r.stats.statesPerSecond
        bounds = r.bounds
        reduction = r.usesReduction
        sourceSets = r.usesSourceSets
        movers = r.fusesMovers ? true : nil
        deadEntries = r.omitsDeadEntries ? true : nil
        sleepSetsRefused = r.sleepSetsRefused ? true : nil
        collisionProbability = r.collisionProbability
        bytesPerState = r.bytesPerState
        depthBoundHits = r.stats.depthBoundHits
        self.counterexample = counterexample
    }

    /// The report of a randomized exploration.
    public init(
        random r: RandomResult, seconds: Double, scenario: String, scheme: String, counterexample: Counterexample?
    ) {
        result = r.violation == nil ? "pass" : "violation"
        mode = "random"
        self.scenario = scenario
        self.scheme = scheme
        states = 0
        transitions = 0
        maxDepth = r.steps
        self.seconds = seconds
        statesPerSecond = 0
        random = RandomSummary(
            strategy: r.strategy, runs: r.runs, n: r.threads, k: r.steps, d: r.depth, perRunBound: r.perRunBound,
            runsFor95: r.runsFor95, failingRun: r.failingRun, failingSeed: r.failingSeed)
        self.counterexample = counterexample
    }

    public func json() -> String { JSONOutput.encode(self) }

    /// The report for people.
    public func text(cpus: Int, view: CounterexampleText.View = .both) -> String {
        var lines: [String] = []
        if let random {
            lines.append(
                "\(result.uppercased()): \(scenario) under \(scheme), random (\(random.strategy)), "
                    + "\(random.runs) runs in \(format(seconds)) s" + (shard.map { ", shard \($0)" } ?? ""))
            lines.append(
                "  PCT: n = \(random.n) threads (a CPU's steps and its interrupts), k = \(random.k) steps, "
                    + "d = \(random.d); per-run bound 1/(n*k^(d-1)) = \(String(format: "%.3g", random.perRunBound)); "
                    + "\(random.runsFor95) runs give 95% confidence")
            if let run = random.failingRun, let seed = random.failingSeed {
                lines.append("  first failing run: \(run) (seed \(seed))")
            }
        } else {
            let workers = (jobs ?? 1) > 1 && counterexample == nil ? ", \(jobs ?? 1) workers" : ""
            lines.append(
                "\(result.uppercased()): \(scenario) under \(scheme), exhaustive\(workers)"
                    + (bitstate == nil ? "" : ", bitstate")
                    + (shard.map { ", shard \($0)" } ?? ""))
            if let shard, let splitDepth {
                lines.append(
                    "  shard \(shard): the states whose fingerprint \(splitDepth) actions from boot is K-1 modulo N, "
                        + "and every state above; `shootdown merge` the shards' JSON for the verdict")
            }
            if let incomplete, incomplete != "interrupted", incomplete != "memory" {
                lines.append("  incomplete: \(incomplete)")
            }
            if incomplete == "interrupted" {
                lines.append(
                    "  interrupted (Ctrl-C) after \(states) states: no violation in the schedules explored, but not "
                        + "every schedule was")
            }
            if incomplete == "memory" {
                lines.append(
                    "  stopped at the memory bound (--max-memory \(maxMemory.map(ByteSize.describe) ?? "?")) after "
                        + "\(states) states: no violation in the schedules explored, but not every schedule was; raise "
                        + "--max-memory, or lower --max-preemptions or --max-depth")
            }
            if result == "incomplete", movers != true {
                lines.append(
                    "  without --no-movers and --no-dead-entries the search reaches the same verdicts in a fraction "
                        + "of the states (docs/checker.md)")
            }
            lines.append(
                "  \(states) states, \(transitions) transitions, max depth \(maxDepth), \(format(seconds)) s, "
                    + "\(Int(statesPerSecond)) states/s")
            if let bounds {
                lines.append(
                    "  bounds: depth \(bounds.maxDepth) (hit \(depthBoundHits ?? 0) times), preemptions \(bounds.maxPreemptions); "
                        + "sleep sets \(reduction == true ? "on" : "off")"
                        + (sleepSetsRefused == true ? " (the scheme reads other CPUs' TLB entries)" : "")
                        + (sourceSets == true ? ", source sets on" : "") + (movers == true ? ", movers fused" : "")
                        + (deadEntries == true ? ", dead TLB entries left out" : ""))
            }
            if let withoutReduction {
                lines.append(
                    "  without sleep sets: \(withoutReduction.states) states, \(withoutReduction.transitions) transitions"
                )
            }
            if let bitstate {
                lines.append(
                    "  bitstate: \(ByteSize.describe(bitstate.bytes)), \(bitstate.hashes) bits a state, hash factor "
                        + "\(String(format: "%.1f", bitstate.hashFactor)) bits per state stored (SPIN: above 100, omissions "
                        + "are rare); about \(Int(bitstate.expectedOmissions.rounded())) states taken as seen though new, "
                        + "each hiding what only it leads to; a new state now omitted with probability "
                        + String(format: "%.2g", bitstate.omissionProbability))
            } else if let collisionProbability, let bytesPerState {
                // n(n-1)/2^(bits+1) is the expected number of colliding pairs, a probability only
                // below 1.
                let bits = VisitedTable.fingerprintBits
                let formula = "n(n-1)/2^\(bits + 1)"
                let estimate =
                    collisionProbability < 1
                    ? "collision probability \(String(format: "%.2g", collisionProbability)) (\(formula), as TLC)"
                    : "\(formula) = \(String(format: "%.0f", collisionProbability)) pairs of distinct states expected "
                        + "to share a fingerprint: \(bits) bits are too few for this many states, and a state merged with "
                        + "another was not explored"
                lines.append(
                    "  fingerprints: \(bits)-bit, \(String(format: "%.1f", bytesPerState)) bytes/state; " + estimate)
            }
        }
        if let c = counterexample {
            lines += ["", "Counterexample (\(c.schedule.count) steps, shrunk): \(c.violation)"]
            lines += CounterexampleText.timelines(c, cpus: cpus, view: view)
            lines.append("replay: \(c.replay)")
        }
        return lines.joined(separator: "\n")
    }

    /// The report in Markdown: the result line, and the counterexample if there is one.
    public func markdown() -> String {
        let head = text(cpus: 1, view: .full).split(separator: "\n").first.map(String.init) ?? result
        guard let counterexample else { return head }
        return head + "\n\n" + CounterexampleText.markdown(counterexample)
    }

    func format(_ seconds: Double) -> String { String(format: "%.2f", seconds) }
}
