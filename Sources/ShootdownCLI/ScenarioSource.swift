import ShootdownModel

/// Resolves `--scenario NAME|FILE`: a built-in name first, then a file path.
enum ScenarioSource {
    static func load(_ nameOrPath: String) throws -> Scenario {
        if let scenario = BuiltinScenarios.named(nameOrPath) { return scenario }
        let text: String?
        do {
            text = try FileHandleOutput.read(nameOrPath)
        } catch {
            throw fail("cannot read scenario file '\(nameOrPath)': \(error.localizedDescription)")
        }
        guard let text else {
            throw fail(
                "unknown scenario '\(nameOrPath)': not a built-in scenario "
                    + "(\(BuiltinScenarios.names.joined(separator: ", "))) and no such file")
        }
        do {
            return try ScenarioFormat.parse(text, source: nameOrPath)
        } catch {
            throw fail(error.description)
        }
    }
}
