/// Sizes as the command line spells them: `512M`, `2G`, `65536`.
public enum ByteSize {
    /// The bytes `text` names: a whole number with an optional `K`, `M` or `G` (powers of 1024),
    /// or `nil` if it names none (or zero).
    public static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text)
        var unit = 1
        if let last = digits.last?.uppercased().first, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value > 0, value <= Int.max / unit else { return nil }
        return value * unit
    }

    /// `bytes` in the largest unit that divides it (`64M`), else in bytes.
    public static func describe(_ bytes: Int) -> String {
        for (unit, scale) in [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where bytes % scale == 0 {
            return "\(bytes / scale)\(unit)"
        }
        return "\(bytes)"
    }
}
