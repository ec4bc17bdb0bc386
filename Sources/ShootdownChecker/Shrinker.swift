import ShootdownModel

/// Shrinks a violating schedule to a locally minimal one by delta debugging (Zeller's ddmin)
/// over its actions: a candidate is replayed leniently (actions not enabled at their turn are
/// skipped) and kept if it still ends in a violation of the same kind. The result is the list
/// of actions the last successful replay actually performed, up to the violation.
public struct Shrinker<S: Scheme>: Sendable {
    public var scenario: Scenario
    public var scheme: S

    public init(scenario: Scenario, scheme: S) {
        self.scenario = scenario
        self.scheme = scheme
    }

    /// The actions a lenient replay of `schedule` performs (``SchedulePolicy/lenient(_:)``), if
    /// it ends in a violation of `kind`.
    public func replay(_ schedule: [Action], kind: Violation.Kind) -> [Action]? {
        let result = Runner(scenario: scenario, scheme: scheme).run(.lenient(schedule))
        return result.violation?.kind == kind ? result.schedule : nil
    }

    /// A locally minimal schedule reaching a violation of the same kind as `schedule`'s.
    /// - Complexity: O(n^2) replays in the worst case, n the schedule's length.
    public func shrink(_ schedule: [Action]) -> [Action] {
        guard let kind = kind(of: schedule), var current = replay(schedule, kind: kind) else { return schedule }
        var granularity = 2
        while current.count >= 2 {
            let chunk = (current.count + granularity - 1) / granularity
            var reduced = false
            var start = 0
            while start < current.count {
                var candidate = current
                candidate.removeSubrange(start..<min(start + chunk, current.count))
                if let shorter = replay(candidate, kind: kind), shorter.count < current.count {
                    current = shorter
                    reduced = true
                    granularity = max(granularity - 1, 2)
                    break
                }
                start += chunk
            }
            if !reduced {
                if granularity >= current.count { break }
                granularity = min(granularity * 2, current.count)
            }
        }
        return current
    }

    func kind(of schedule: [Action]) -> Violation.Kind? {
        let result = Runner(scenario: scenario, scheme: scheme).run(.scripted(schedule))
        return result.violation?.kind
    }
}
