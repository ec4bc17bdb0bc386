import ShootdownChecker
import ShootdownModel

/// What `shootdown hunt` found: how much it covered, and the shrunk scenario and counterexample
/// of the violation, if any. Text for people; JSON (stable keys) for scripts.
public struct HuntReport: Codable, Sendable {
    /// `pass` (no violation in the scenarios checked), `violation`, or for a differential hunt
    /// `disagreement`.
    public var result: String
    public var scheme: String
    /// The seed of scenario 0; scenario i was generated from `seed + i`.
    public var seed: UInt64
    /// `K/N`: this hunt's shard of the scenarios.
    public var shard: String
    public var maxCPUs: Int
    public var maxOperations: Int
    /// With `--enumerate`: the small scope's scenarios, checked first (indices below this).
    public var smallScope: Int?
    /// Scenarios checked.
    public var scenarios: Int
    /// Of those, the ones explored completely within the state budget (the others also got PCT runs).
    public var complete: Int
    /// States stored by the exhaustive searches, summed.
    public var states: Int
    public var seconds: Double
    /// The violating scenario as generated (index and text), then shrunk.
    public var violation: Found?
    /// With `--all`: every distinct bug found (by scheme, kind and the kernel functions of its
    /// counterexample), the first of each, shrunk; `violation` is the first of them.
    public var distinct: [Found]?
    /// With `--all`: the violating scenarios in all, distinct or not.
    public var bugs: Int?

    /// A violation and what shrinking made of it.
    public struct Found: Codable, Sendable {
        /// The violation's kind, or `none` for a disagreement on full flushes.
        public var kind: String
        /// For a differential hunt, how the schemes disagree.
        public var disagreement: String?
        /// The scheme whose violation the counterexample shows.
        public var violatingScheme: String?
        /// The scenario's index in the hunt (its seed is the hunt's seed plus this).
        public var index: Int
        public var generatedText: String
        public var shrunkText: String
        public var shrunkCPUs: Int
        public var shrunkOperations: Int
        /// Where the shrunk scenario was saved.
        public var scenarioFile: String
        /// The shrunk schedule of the violation (none for a disagreement on full flushes).
        public var counterexample: Counterexample?

        public init(
            kind: String, disagreement: String?, violatingScheme: String?, index: Int, generatedText: String,
            shrunkText: String, shrunkCPUs: Int, shrunkOperations: Int, scenarioFile: String,
            counterexample: Counterexample?
        ) {
            self.kind = kind
            self.disagreement = disagreement
            self.violatingScheme = violatingScheme
            self.index = index
            self.generatedText = generatedText
            self.shrunkText = shrunkText
            self.shrunkCPUs = shrunkCPUs
            self.shrunkOperations = shrunkOperations
            self.scenarioFile = scenarioFile
            self.counterexample = counterexample
        }
    }

    /// The report of a hunt with `hunter`'s settings whose checks found `findings`, the last one
    /// a bug if `violation`; `scheme` names the scheme, or for a differential hunt both.
    public init<S: Scheme>(
        scheme: String, hunter: Hunter<S>, findings: [HuntFinding], seconds: Double, violation: Found?
    ) {
        result = Self.result(of: violation)
        self.scheme = scheme
        seed = hunter.seed
        shard = "\(hunter.shard.index)/\(hunter.shard.count)"
        maxCPUs = hunter.generator.scope.maxCPUs
        maxOperations = hunter.generator.scope.maxOperations
        smallScope = hunter.smallScope?.count
        scenarios = findings.count
        complete = findings.filter(\.isComplete).count
        states = findings.reduce(0) { $0 + $1.states }
        self.seconds = seconds
        self.violation = violation
    }

    /// ``result`` for a hunt that found `violation`: `pass`, `violation` or `disagreement`.
    public static func result(of violation: Found?) -> String {
        guard let violation else { return "pass" }
        return violation.disagreement == nil ? "violation" : "disagreement"
    }

    public func json() -> String { JSONOutput.encode(self) }

    /// The report in Markdown: the result, the shrunk scenario as a code block, and the
    /// counterexample (``CounterexampleText/markdown(_:)``).
    public func markdown() -> String {
        let head = text(view: .full).split(separator: "\n").first.map(String.init) ?? result
        guard let found = violation else { return head }
        var lines = [
            head, "",
            "Scenario \(found.index), shrunk to \(found.shrunkCPUs) CPUs and \(found.shrunkOperations) "
                + "operations (`\(found.scenarioFile)`):", "", "```", found.shrunkText, "```",
        ]
        if let c = found.counterexample { lines += ["", CounterexampleText.markdown(c)] }
        return lines.joined(separator: "\n")
    }

    /// The report for people: coverage, then the shrunk scenario, its timeline and the replay.
    public func text(view: CounterexampleText.View = .both) -> String {
        var lines = [
            "\(result.uppercased()): hunt under \(scheme), scenarios from seed \(seed)"
                + (shard == "1/1" ? "" : ", shard \(shard)")
                + (smallScope.map { ", after the \($0) of the smallest scope" } ?? "")
                + " (2-\(maxCPUs) CPUs, 1-\(maxOperations) operations a thread)",
            "  \(scenarios) scenarios (\(complete) explored completely, the rest also by PCT), \(states) states, "
                + "\(String(format: "%.1f", seconds)) s",
        ]
        if let distinct, let bugs {
            lines.append(
                "  \(bugs) violating scenarios, \(distinct.count) distinct bugs (each the first of its kind, shrunk):")
            for found in distinct {
                lines.append(
                    "  - scenario \(found.index): \(found.disagreement ?? found.kind), \(found.shrunkCPUs) CPUs and "
                        + "\(found.shrunkOperations) operations: \(found.scenarioFile)")
            }
        }
        guard let found = violation else { return lines.joined(separator: "\n") }
        let what =
            found.disagreement.map { "\(found.violatingScheme.map { "\($0) violates (\(found.kind)), " } ?? "")\($0)" }
            ?? "violates (\(found.kind))"
        lines += [
            "",
            "Scenario \(found.index) (seed \(seed + UInt64(found.index))): \(what); shrunk to "
                + "\(found.shrunkCPUs) CPUs and \(found.shrunkOperations) operations, saved as \(found.scenarioFile):",
            found.shrunkText.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"),
        ]
        if let c = found.counterexample {
            lines += [
                "",
                "Counterexample (\(c.schedule.count) steps, shrunk): \(c.violation)",
            ]
            lines += CounterexampleText.timelines(c, cpus: found.shrunkCPUs, view: view)
            lines += [
                "replay: \(c.replay)",
                "check:  shootdown check --scenario \(found.scenarioFile) --scheme \(c.scheme)",
            ]
        }
        return lines.joined(separator: "\n")
    }
}

extension HuntReport {
    /// The result of the shards `reports` together: scenarios and states summed, the longest
    /// shard's seconds, the violation of the lowest scenario index.
    /// - Throws: ``MergeError`` when the shards are not of one hunt, a shard comes twice, or a
    ///   shard's figures are none `shootdown hunt` prints.
    public static func merging(_ reports: [HuntReport]) throws(MergeError) -> HuntReport {
        guard var merged = reports.first else { throw MergeError(description: "no hunt results to merge") }
        let count = try MergeError.shard(merged.shard).count
        var seen: Set<String> = []
        for report in reports {
            try MergeError.check("seconds", report.seconds)
            guard
                report.scheme == merged.scheme, report.seed == merged.seed, report.maxCPUs == merged.maxCPUs,
                report.maxOperations == merged.maxOperations, report.smallScope == merged.smallScope,
                try MergeError.shard(report.shard).count == count
            else {
                throw MergeError(
                    description: "shard \(report.shard) (\(report.scheme), seed \(report.seed)) is not of the hunt of "
                        + "shard \(merged.shard) (\(merged.scheme), seed \(merged.seed)): merge shards of one hunt")
            }
            guard seen.insert(report.shard).inserted else {
                throw MergeError(description: "shard \(report.shard) comes twice: merge each shard once")
            }
        }
        merged.shard = seen.count == count ? "1/1" : seen.sorted().joined(separator: ",")
        merged.scenarios = try MergeError.total("scenarios", reports.map(\.scenarios))
        merged.complete = try MergeError.total("complete", reports.map(\.complete))
        merged.states = try MergeError.total("states", reports.map(\.states))
        merged.seconds = reports.map(\.seconds).max() ?? 0
        merged.violation = reports.compactMap(\.violation).min { $0.index < $1.index }
        merged.result = Self.result(of: merged.violation)
        return merged
    }
}
