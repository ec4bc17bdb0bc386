/// The schemes and mutants the command line knows, by name.
///
/// A name is `SCHEME[:PARAMETERS][~MUTATION]`: `linux`, `rfc15-buggy`, `rfc15`, or a ring,
/// `ring-list` or `ring-union`, with parameters `size=N` (slots, 1-64; default 8),
/// `ceiling=N` (pages; default 33) and `switch=ranged|full` (default ranged), e.g.
/// `ring-list:size=1,switch=full` or `ring-union:size=2~one-short`.
public enum SchemeCatalog {
    /// Every scheme type the command line knows, in `shootdown list`'s order. A new scheme is
    /// one file and one line here (docs/writing-a-scheme.md).
    public static let types: [any CatalogScheme.Type] = [
        LinuxScheme.self,
        RingScheme.self,
        OracleScheme.self,
        LinuxIPILazyScheme.self,
        Linux66yScheme.self,
        Linux614Scheme.self,
        Linux615Scheme.self,
    ]

    /// Every scheme's base name and summary, `rfc15-buggy` included (the seed thread's bug, kept
    /// as a scheme).
    public static var listing: [SchemeListing] { types.flatMap { $0.listing } }

    /// The schemes' base names.
    public static var schemes: [String] { listing.map(\.name) }

    /// Every mutant, as `SCHEME~MUTATION` (each Linux mutation applies to the `rfc15` schemes
    /// too, each ring mutation to both ring variants and any parameters).
    public static var mutants: [String] { types.flatMap { $0.mutants } }

    /// Parses a scheme name.
    /// - Throws: ``SchemeError`` naming the unknown or malformed part and the way out.
    public static func scheme(named name: String) throws(SchemeError) -> AnyScheme {
        let parsed = SchemeName(name)
        guard let type = types.first(where: { $0.listing.contains { $0.name == parsed.base } }) else {
            throw SchemeError.unknownScheme(name)
        }
        return AnyScheme(try type.init(catalogName: parsed))
    }
}
