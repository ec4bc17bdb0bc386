import Foundation

/// Standard error and file reads, kept in one place.
enum FileHandleOutput {
    static func writeToStandardError(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }

    /// The contents of a UTF-8 text file, or `nil` if there is no such file.
    static func read(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}
