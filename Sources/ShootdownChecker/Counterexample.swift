import ShootdownModel

/// A violating schedule with everything needed to read it and to replay it: the scenario (as
/// text, so a file scenario needs no file), the scheme, the actions, and each step's timeline.
public struct Counterexample: Codable, Hashable, Sendable {
    /// One step as the timeline shows it.
    public struct Step: Codable, Hashable, Sendable {
        public var step: Int
        public var cpu: Int
        public var action: String
        public var function: String
        public var detail: String
    }

    public var scenario: String
    /// The scenario in the scenario format.
    public var scenarioText: String
    public var scheme: String
    /// The actions, as `step N`, `irq N`, `preempt N`.
    public var schedule: [String]
    public var violationKind: String
    public var violation: String
    public var steps: [Step]
    /// The causal slice (``CausalSlicer``): the numbers of the steps whose order across CPUs
    /// makes the violation, the violating step last (`nil` in a file saved before slices).
    public var slice: [Int]?
    /// Why each step of ``slice`` matters, in a line (``CausalSlicer/explainedSlice(_:)``).
    public var why: [String]?
    /// Each step's footprint and the stale entry's life (`nil` in a file saved before them).
    public var anatomy: CounterexampleAnatomy?
    /// The command that replays it, once saved to a file.
    public var replay: String

    /// Replays `schedule` with tracing and records the result.
    /// - Returns: `nil` if the schedule does not end in a violation.
    public init?<S: Scheme>(scenario: Scenario, scheme: S, schedule: [Action], replay: String) {
        let result = Runner(scenario: scenario, scheme: scheme, tracing: true).run(.scripted(schedule))
        guard let violation = result.violation else { return nil }
        self.scenario = scenario.name
        scenarioText = ScenarioFormat.render(scenario)
        self.scheme = scheme.name
        self.schedule = result.schedule.map(\.description)
        violationKind = violation.kind.rawValue
        self.violation = result.world.describe(violation)
        steps = result.world.trace.map { event in
            Step(
                step: event.step, cpu: event.cpu, action: result.schedule[event.step - 1].description,
                function: event.function, detail: event.detail)
        }
        let explained = CausalSlicer(scenario: scenario, scheme: scheme).explainedSlice(result.schedule)
        slice = explained.map { $0.step + 1 }
        why = explained.map(\.why)
        anatomy = CounterexampleAnatomy(scenario: scenario, scheme: scheme, schedule: result.schedule)
        self.replay = replay
    }

    /// The timeline's events of the slice's steps (all of them without a slice).
    public var sliceTimeline: [TraceEvent] {
        guard let slice else { return timeline }
        let steps = Set(slice)
        return timeline.filter { steps.contains($0.step) }
    }

    /// Why each slice step matters, by step number (empty without a slice).
    public var reasons: [Int: String] {
        guard let slice, let why, why.count == slice.count else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(slice, why))
    }

    /// The scenario this counterexample runs on.
    public func parsedScenario() throws(ScenarioError) -> Scenario {
        var scenario = try ScenarioFormat.parse(scenarioText, source: self.scenario)
        scenario.name = self.scenario
        return scenario
    }

    /// The steps as the timeline's events.
    public var timeline: [TraceEvent] {
        steps.map { TraceEvent(step: $0.step, cpu: $0.cpu, function: $0.function, detail: $0.detail) }
    }

    /// The schedule as actions, or `nil` if an entry does not parse.
    public var actions: [Action]? {
        let parsed = schedule.compactMap(Action.init)
        return parsed.count == schedule.count ? parsed : nil
    }
}
