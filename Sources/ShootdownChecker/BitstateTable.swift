import Foundation

/// SPIN's bitstate store ("supertrace", Holzmann): a state is `hashes` bits of a large bit array
/// instead of a fingerprint, so a search past the memory fingerprints need goes on, at the price
/// of omissions: a new state whose bits are all set already (by others) is taken as seen, and its
/// subtree is not explored. ``expectedOmissions`` estimates how many states were taken as seen
/// directly; ``hashFactor`` is SPIN's measure of the risk.
public struct BitstateTable: Sendable {
    private var words: [UInt64]
    /// Bits in the array.
    public let bits: Int
    /// Bits set a state (independent positions from one 64-bit fingerprint, double hashing).
    public let hashes: Int
    /// States inserted as new.
    public private(set) var count = 0

    /// A table of `bytes` bytes (at least 8), `hashes` bits a state.
    public init(bytes: Int, hashes: Int = 3) {
        words = Array(repeating: 0, count: max(1, bytes / 8))
        bits = words.count * 64
        self.hashes = hashes
    }

    /// Sets `fingerprint`'s bits; returns whether they were all set before (the state taken as
    /// seen).
    public mutating func testAndSet(_ fingerprint: UInt64) -> Bool {
        // Double hashing (Kirsch and Mitzenmacher): h1 + i * h2, h2 odd.
        let h1 = fingerprint
        let h2 = (fingerprint >> 32 | fingerprint << 32) &* 0x9E37_79B9_7F4A_7C15 | 1
        var seen = true
        for i in 0..<UInt64(hashes) {
            let bit = Int((h1 &+ i &* h2) % UInt64(bits))
            let mask: UInt64 = 1 << UInt64(bit & 63)
            if words[bit >> 6] & mask == 0 {
                seen = false
                words[bit >> 6] |= mask
            }
        }
        if !seen { count += 1 }
        return seen
    }

    /// Bytes of storage.
    public var bytes: Int { words.count * 8 }

    /// The probability that a state not seen before is taken as seen now: every one of its bits
    /// set already, (1 - e^(-k n / m))^k for n states, k hashes, m bits.
    public var omissionProbability: Double { Self.omission(states: Double(count), hashes: hashes, bits: bits) }

    /// The states expected to have been taken as seen though new, while `count` were stored:
    /// the omission probability summed over the insertions (numerically, in 1,000 slices).
    public var expectedOmissions: Double {
        let n = Double(count)
        guard n > 0 else { return 0 }
        let slices = 1000.0
        var sum = 0.0
        for i in 0..<Int(slices) {
            sum += Self.omission(states: n * (Double(i) + 0.5) / slices, hashes: hashes, bits: bits)
        }
        return sum * n / slices
    }

    /// SPIN's hash factor: bits per stored state. Above about 100 omissions are rare; near the
    /// number of hashes most new states are taken as seen (and every omitted state hides what
    /// only it leads to, which no estimate counts).
    public var hashFactor: Double { count == 0 ? Double(bits) : Double(bits) / Double(count) }

    static func omission(states n: Double, hashes k: Int, bits m: Int) -> Double {
        pow(1 - exp(-Double(k) * n / Double(m)), Double(k))
    }
}
