/// The CPUs' next start times in a tournament tree: the earliest, the lowest CPU on a tie, in
/// O(1); a CPU's time changed in O(log CPUs). No allocation after `init`.
struct EventQueue {
    /// Each CPU's next start; `Int.max` when it has nothing to run. Padded to a power of two.
    private var starts: [Int]
    /// `winners[i]`: the CPU that wins the subtree `i` (1 is the root; leaves at `size...`).
    private var winners: [Int32]
    private let size: Int

    /// A queue of `cpus` CPUs with nothing to run.
    init(cpus: Int) {
        var size = 1
        while size < cpus { size <<= 1 }
        self.size = size
        starts = Array(repeating: Int.max, count: size)
        winners = Array(repeating: 0, count: 2 * size)
        for cpu in 0..<size { winners[size + cpu] = Int32(cpu) }
        for node in stride(from: size - 1, through: 1, by: -1) { winners[node] = winner(2 * node, 2 * node + 1) }
    }

    private func winner(_ left: Int, _ right: Int) -> Int32 {
        let a = winners[left]
        let b = winners[right]
        return starts[Int(b)] < starts[Int(a)] ? b : a  // a is the lower CPU: it wins ties
    }

    /// Sets `cpu`'s next start (`nil`: nothing to run).
    mutating func set(_ cpu: Int, start: Int?) {
        let value = start ?? Int.max
        guard starts[cpu] != value else { return }
        starts[cpu] = value
        let size = size
        starts.withUnsafeBufferPointer { starts in
            winners.withUnsafeMutableBufferPointer { winners in
                var node = (size + cpu) >> 1
                while node >= 1 {
                    let a = winners[2 * node]
                    let b = winners[2 * node + 1]
                    let winner = starts[Int(b)] < starts[Int(a)] ? b : a  // a is the lower CPU: it wins ties
                    // Another CPU still winning here wins above as before: its start did not change.
                    if winner == winners[node] && Int(winner) != cpu { return }
                    winners[node] = winner
                    node >>= 1
                }
            }
        }
    }

    /// The CPU that can start earliest and when, or `nil` when none can run.
    var earliest: (cpu: Int, start: Int)? {
        let cpu = Int(winners[1])
        return starts[cpu] == Int.max ? nil : (cpu, starts[cpu])
    }
}
