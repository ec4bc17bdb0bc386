extension CheckReport {
    /// The result of the shards `reports` of one `shootdown check --shard K/N` together: a
    /// violation if a shard found one (exhaustive: the lowest shard's; random: the lowest
    /// failing run's, the one an unsharded search reports), else a pass when every shard is there
    /// and passed, else incomplete (a shard missing, or stopped early); states and transitions
    /// summed (the states above the split depth are counted by every shard), the longest shard's
    /// seconds.
    /// - Throws: ``MergeError`` when the shards are not of one search, a shard comes twice, or
    ///   a shard's figures are none `shootdown check` prints.
    public static func merging(_ reports: [CheckReport]) throws(MergeError) -> CheckReport {
        guard var merged = reports.first else { throw MergeError(description: "no check results to merge") }
        let count = try MergeError.shard(merged.shard ?? "1/1").count
        var seen: Set<String> = []
        for report in reports {
            try report.checkFigures()
            guard
                report.mode == merged.mode, report.scenario == merged.scenario, report.scheme == merged.scheme,
                report.bounds == merged.bounds, report.reduction == merged.reduction,
                // Movers change what a depth is, dead entries the fingerprints that split the
                // states: shards must share both, or they would not partition one search.
                report.movers == merged.movers, report.deadEntries == merged.deadEntries,
                report.splitDepth == merged.splitDepth,
                try MergeError.shard(report.shard ?? "1/1").count == count
            else {
                throw MergeError(
                    description: "shard \(report.shard ?? "1/1") (\(report.scheme) on \(report.scenario), "
                        + "\(report.mode)) is not of the search of shard \(merged.shard ?? "1/1") (\(merged.scheme) "
                        + "on \(merged.scenario), \(merged.mode)): merge shards of one search, with the same options")
            }
            guard seen.insert(report.shard ?? "1/1").inserted else {
                throw MergeError(description: "shard \(report.shard ?? "1/1") comes twice: merge each shard once")
            }
        }
        let missing = (1...count).map { "\($0)/\(count)" }.filter { !seen.contains($0) }
        merged.shard = missing.isEmpty ? nil : seen.sorted().joined(separator: ",")
        merged.jobs = nil
        merged.states = try MergeError.total("states", reports.map(\.states))
        merged.transitions = try MergeError.total("transitions", reports.map(\.transitions))
        merged.maxDepth = reports.map(\.maxDepth).max() ?? 0
        merged.seconds = reports.map(\.seconds).max() ?? 0
        merged.statesPerSecond = reports.reduce(0) { $0 + $1.statesPerSecond }
        try MergeError.check("statesPerSecond", merged.statesPerSecond)
        if merged.depthBoundHits != nil {
            merged.depthBoundHits = try MergeError.total("depthBoundHits", reports.map { $0.depthBoundHits ?? 0 })
        }
        let violating = reports.filter { $0.counterexample != nil }
        let first =
            merged.mode == "random"
            ? violating.min { ($0.random?.failingRun ?? .max) < ($1.random?.failingRun ?? .max) }
            : violating.min { $0.shardIndex < $1.shardIndex }
        merged.counterexample = first?.counterexample
        if let first { merged.random = first.random }
        if first != nil {
            merged.result = "violation"
            merged.incomplete = nil
        } else if !missing.isEmpty {
            merged.result = "incomplete"
            merged.incomplete = "shards missing: " + missing.joined(separator: ", ")
        } else if let stopped = reports.first(where: { $0.result == "incomplete" }) {
            merged.result = "incomplete"
            merged.incomplete = stopped.incomplete.map { "shard \(stopped.shard ?? "1/1"): \($0)" }
        } else {
            merged.result = "pass"
            merged.incomplete = nil
        }
        return merged
    }

    /// K of `shard` K/N (1 for a whole search).
    /// Checks the figures merging reads or prints: counts 0 or more, times and rates numbers.
    func checkFigures() throws(MergeError) {
        for (field, count) in [
            ("states", states), ("transitions", transitions), ("maxDepth", maxDepth),
            ("depthBoundHits", depthBoundHits ?? 0),
        ] {
            try MergeError.check(field, count: count)
        }
        try MergeError.check("seconds", seconds)
        try MergeError.check("statesPerSecond", statesPerSecond)
        if let bitstate {
            for (field, value) in [
                ("omissionProbability", bitstate.omissionProbability),
                ("expectedOmissions", bitstate.expectedOmissions),
                ("hashFactor", bitstate.hashFactor),
            ] {
                try MergeError.check(field, value)
            }
        }
        if let random { try MergeError.check("perRunBound", random.perRunBound) }
    }

    var shardIndex: Int { shard.flatMap { $0.split(separator: "/").first.flatMap { Int($0) } } ?? 1 }
}
