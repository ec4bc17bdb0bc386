import ShootdownModel
import Testing

/// Parses a scenario written in a test; a parse error fails the test.
func scenario(_ text: String, name: String = "test") throws -> Scenario {
    try ScenarioFormat.parse(text, source: name)
}

/// Expects `text` to be refused with an error that mentions `expected`.
func expectRefused(_ text: String, mentioning expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(sourceLocation: sourceLocation) {
        _ = try ScenarioFormat.parse(text, source: "refused")
    } throws: { error in
        "\(error)".contains(expected)
    }
}

/// A world booted on `text` under `scheme`.
func world(_ text: String, scheme: LinuxScheme = LinuxScheme()) throws -> World<LinuxScheme> {
    World(scenario: try scenario(text), scheme: scheme, tracing: true)
}

extension World {
    /// Runs `cpu` (its pending interrupts first) until `condition` holds.
    mutating func drive(_ cpu: Int, until condition: (Self) -> Bool, limit: Int = 1_000) {
        for _ in 0..<limit {
            if condition(self) { return }
            if canInterrupt(cpu) {
                perform(.interrupt(cpu: cpu))
            } else if canStep(cpu) {
                perform(.step(cpu: cpu))
            } else {
                Issue.record("cpu\(cpu) cannot run and the condition does not hold")
                return
            }
        }
        Issue.record("cpu\(cpu): condition not reached in \(limit) actions")
    }

    /// Runs every CPU in turn until the machine has finished.
    mutating func finish(limit: Int = 10_000) {
        var actions: [Action] = []
        var turn = 0
        for _ in 0..<limit {
            if violation != nil { return }
            actions.removeAll()
            enabledActions(into: &actions)
            guard let action = actions.first(where: { $0.cpu >= turn }) ?? actions.first else { return }
            perform(action)
            turn = (action.cpu + 1) % scenario.cpuCount
        }
        Issue.record("machine did not finish in \(limit) actions")
    }
}

/// Runs a built-in scenario or test scenario to its end under round-robin scheduling.
func runRoundRobin<S: Scheme>(_ text: String, scheme: S) throws -> RunResult<S> {
    Runner(scenario: try scenario(text), scheme: scheme).run(.roundRobin)
}

/// The same under Linux's scheme.
func runRoundRobin(_ text: String) throws -> RunResult<LinuxScheme> {
    try runRoundRobin(text, scheme: LinuxScheme())
}
