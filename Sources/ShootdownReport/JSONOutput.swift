import Foundation

/// JSON as Shootdown prints it: pretty, keys sorted, so equal values print equal bytes.
public enum JSONOutput {
    /// Encodes `value`; the encoders' own types never fail to encode.
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            preconditionFailure("JSON encoding failed: \(error)")
        }
    }
}
