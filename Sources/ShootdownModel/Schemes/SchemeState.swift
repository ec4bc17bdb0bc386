/// A scheme's own state, kept by the world beside the kernel's ``MachineState``
/// (``Scheme/State``): part of the machine state, so it must say what tells two states apart.
/// A value type of few buffers: the checker copies it with every world.
public protocol SchemeState: Hashable, Sendable {
    /// Folds every field into `h` (the checker's state fingerprint).
    func fingerprint(into h: inout StableHasher)
}

/// No state of the scheme's own: Linux keeps everything in `mm_struct`.
public struct NoSchemeState: SchemeState {
    public init() {}
    public func fingerprint(into h: inout StableHasher) {}
}
