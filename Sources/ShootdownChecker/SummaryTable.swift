/// The summaries of the subtrees a source-set search has finished (``SubtreeSummary``), by state
/// fingerprint, in flat arrays (open addressing, linear probing): three words for each CPU of the
/// scenario and one of flags a state, a fifth of what a dictionary of whole summaries takes.
struct SummaryTable: Sendable {
    private var keys: [UInt64]
    private var words: [UInt64]
    private let cpus: Int
    /// Words a state takes in `words`.
    private var stride: Int { 3 * cpus + 1 }
    /// States stored.
    private(set) var count = 0
    /// States being explored again (on the stack): no summary until they finish.
    private var reopened: Set<UInt64> = []

    /// An empty table for a scenario of `cpus` CPUs.
    init(cpus: Int) {
        self.cpus = cpus
        keys = Array(repeating: 0, count: 1024)
        words = Array(repeating: 0, count: 1024 * (3 * cpus + 1))
    }

    /// Bytes of storage in all.
    var bytes: Int { keys.count * 8 * (1 + stride) + reopened.count * 16 }

    /// The summary of a finished state, or `nil` (not seen, or on the stack).
    func summary(of fingerprint: UInt64) -> SubtreeSummary? {
        guard !reopened.contains(fingerprint), let slot = slot(of: Self.key(fingerprint)) else { return nil }
        return SubtreeSummary(cpus: cpus, words: words[slot * stride..<(slot + 1) * stride])
    }

    /// A state explored again: its summary so far, and none until ``finish(_:with:)``.
    mutating func reopen(_ fingerprint: UInt64) -> SubtreeSummary? {
        let summary = summary(of: fingerprint)
        reopened.insert(fingerprint)
        return summary
    }

    /// A state's exploration finished with `summary` (merged with what is stored).
    mutating func finish(_ fingerprint: UInt64, with summary: SubtreeSummary) {
        reopened.remove(fingerprint)
        let key = Self.key(fingerprint)
        var merged = summary
        let slot: Int
        if let found = self.slot(of: key) {
            slot = found
            merged.formUnion(SubtreeSummary(cpus: cpus, words: words[slot * stride..<(slot + 1) * stride]))
        } else {
            if (count + 1) * 10 > keys.count * 9 { grow() }
            slot = freeSlot(for: key)
            keys[slot] = key
            count += 1
        }
        merged.store(cpus: cpus, into: &words, at: slot * stride)
    }

    /// 0 marks a free slot.
    private static func key(_ fingerprint: UInt64) -> UInt64 { fingerprint == 0 ? 1 : fingerprint }

    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: key.multipliedFullWidth(by: UInt64(keys.count)).high)
    }

    private func slot(of key: UInt64) -> Int? {
        var i = home(key)
        while keys[i] != 0 {
            if keys[i] == key { return i }
            i = i + 1 == keys.count ? 0 : i + 1
        }
        return nil
    }

    private func freeSlot(for key: UInt64) -> Int {
        var i = home(key)
        while keys[i] != 0 { i = i + 1 == keys.count ? 0 : i + 1 }
        return i
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldWords = words
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        words = Array(repeating: 0, count: keys.count * stride)
        for (old, key) in oldKeys.enumerated() where key != 0 {
            let slot = freeSlot(for: key)
            keys[slot] = key
            words[slot * stride..<(slot + 1) * stride] = oldWords[old * stride..<(old + 1) * stride]
        }
    }
}
