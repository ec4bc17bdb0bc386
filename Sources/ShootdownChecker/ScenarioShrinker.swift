import ShootdownModel

/// Shrinks a violating scenario, as ``Shrinker`` shrinks a schedule: removes threads, operations,
/// VMAs, address spaces and CPUs one at a time, keeping each removal after which the scenario
/// still shows a violation of the same kind, until no single removal does (a locally minimal
/// scenario, as delta debugging's 1-minimal).
///
/// A candidate must be a valid scenario: it is rendered and parsed again, so that removing the
/// signal of an event someone waits for, say, is rejected by the parser rather than explored.
public struct ScenarioShrinker: Sendable {
    /// Whether a candidate still violates (the caller's check, with its budget).
    public var stillViolates: @Sendable (Scenario) -> Bool

    public init(stillViolates: @escaping @Sendable (Scenario) -> Bool) {
        self.stillViolates = stillViolates
    }

    /// A locally minimal scenario that still violates; `scenario` itself must.
    public func shrink(_ scenario: Scenario) -> Scenario {
        var current = scenario
        var progress = true
        while progress {
            progress = false
            for candidate in Self.reductions(of: current) {
                guard let valid = Self.normalized(candidate), stillViolates(valid) else { continue }
                current = valid
                progress = true
                break
            }
        }
        return current
    }

    /// The operations of every script, a count to report a shrunk scenario's size by.
    public static func operationCount(_ scenario: Scenario) -> Int {
        scenario.threads.reduce(0) { $0 + $1.script.count }
    }

    /// The candidates one removal away, largest removals first.
    static func reductions(of scenario: Scenario) -> [Scenario] {
        var candidates: [Scenario] = []
        for thread in scenario.threads.indices where scenario.threads.count > 1 {
            var smaller = scenario
            smaller.threads.remove(at: thread)
            candidates.append(smaller)
        }
        for thread in scenario.threads.indices {
            for op in scenario.threads[thread].script.indices {
                var smaller = scenario
                smaller.threads[thread].script.remove(at: op)
                candidates.append(smaller)
            }
        }
        for mm in scenario.addressSpaces.indices {
            for mapping in scenario.addressSpaces[mm].mappings.indices {
                var smaller = scenario
                smaller.addressSpaces[mm].mappings.remove(at: mapping)
                candidates.append(smaller)
                if scenario.addressSpaces[mm].mappings[mapping].isPopulated {
                    var unpopulated = scenario
                    unpopulated.addressSpaces[mm].mappings[mapping].isPopulated = false
                    candidates.append(unpopulated)
                }
            }
        }
        if let unused = scenario.addressSpaces.indices.last(where: { mm in
            !scenario.threads.contains { $0.worksOn == mm || $0.script.contains(.fork(mm: mm)) }
        }) {
            var smaller = scenario
            smaller.addressSpaces.remove(at: unused)
            for index in smaller.threads.indices {
                if let mm = smaller.threads[index].mm, mm > unused { smaller.threads[index].mm = mm - 1 }
                if let mm = smaller.threads[index].target, mm > unused { smaller.threads[index].target = mm - 1 }
                smaller.threads[index].script = smaller.threads[index].script.map { op in
                    if case .fork(let mm) = op, mm > unused { return .fork(mm: mm - 1) }
                    return op
                }
            }
            candidates.append(smaller)
        }
        // A CPU no thread runs on goes; the CPUs above it move down.
        if scenario.cpuCount > 1,
            let idle = (0..<scenario.cpuCount).last(where: { cpu in !scenario.threads.contains { $0.cpu == cpu } })
        {
            var smaller = scenario
            smaller.cpuCount -= 1
            for index in smaller.threads.indices where smaller.threads[index].cpu > idle {
                smaller.threads[index].cpu -= 1
            }
            candidates.append(smaller)
        }
        return candidates
    }

    /// The candidate as the parser reads its text back (events renumbered, unused ones gone),
    /// or `nil` if it is no valid scenario.
    static func normalized(_ candidate: Scenario) -> Scenario? {
        guard !candidate.threads.isEmpty else { return nil }
        guard var parsed = try? ScenarioFormat.parse(ScenarioFormat.render(candidate), source: candidate.name) else {
            return nil
        }
        parsed.summary = candidate.summary
        return parsed
    }
}
