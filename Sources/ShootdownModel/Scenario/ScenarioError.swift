/// A scenario file that does not parse: where, which field, what was expected, what was found.
public struct ScenarioError: Error, Hashable, CustomStringConvertible {
    /// The file (or built-in name) being read.
    public var source: String
    /// 1-based line number.
    public var line: Int
    /// The field that is wrong, e.g. `cpu` or `operation`.
    public var field: String
    /// What the field must be.
    public var expected: String
    /// What the line had.
    public var found: String

    public var description: String {
        "\(source):\(line): field '\(field)': expected \(expected), found '\(found)' "
            + "(the scenario format is in README.md, section \"Scenario files\")"
    }
}
