/// The protection of a virtual page's VMA (`vm_page_prot`), as `mmap`/`mprotect` set it.
public enum Protection: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `PROT_NONE`.
    case none
    /// `PROT_READ`.
    case read
    /// `PROT_READ | PROT_WRITE`.
    case write

    /// Whether an access of this kind is allowed.
    public func allows(write isWrite: Bool) -> Bool {
        switch self {
        case .none: false
        case .read: !isWrite
        case .write: true
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .read: "read"
        case .write: "write"
        }
    }
}
