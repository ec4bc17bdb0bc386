/// A scenario shared by reference between the copies of a ``World``.
final class ScenarioBox: Sendable {
    let scenario: Scenario

    init(_ scenario: Scenario) {
        self.scenario = scenario
    }
}
