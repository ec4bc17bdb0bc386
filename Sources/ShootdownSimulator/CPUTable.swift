import ShootdownModel

/// The simulator's per-CPU bookkeeping, in memory allocated once: read and written in place on
/// every event, without the copy-on-write check an array makes at every mutation. Each CPU's
/// wait code is also kept packed, so that finding the waiters of a lock reads four bytes a CPU.
///
/// A view of that memory: its one owner, the ``SimulationRun``, calls ``deallocate()`` when it
/// ends. (A noncopyable table freeing itself would be the natural form, but the Swift 6.3
/// compiler crashes building it with the thread sanitizer that CI runs.)
struct CPUTable {
    /// CPUs in the table.
    let count: Int
    private let slots: UnsafeMutablePointer<SimulatedCPU>
    /// ``CPUReadiness/waitCode`` of each CPU.
    private let waitCodes: UnsafeMutablePointer<UInt32>

    /// A table of `slots`, CPU 0 first.
    init(_ slots: [SimulatedCPU]) {
        count = slots.count
        self.slots = .allocate(capacity: count)
        self.slots.initialize(from: slots, count: count)
        let padded = (count + 7) & ~7
        waitCodes = .allocate(capacity: padded)
        waitCodes.initialize(repeating: .max, count: padded)
        waitCodes.update(from: slots.map(\.readiness.waitCode), count: count)
    }

    /// Frees the table's memory; the table is not used again.
    func deallocate() {
        slots.deinitialize(count: count)
        slots.deallocate()
        waitCodes.deallocate()
    }

    /// CPU `cpu`'s slot, in place (indices come from the event queue and the world, so the
    /// bound is checked in debug builds only, as an unsafe buffer's is).
    subscript(cpu: Int) -> SimulatedCPU {
        unsafeAddress {
            assert(cpu >= 0 && cpu < count, "cpu\(cpu) beyond the table's \(count)")
            return UnsafePointer(slots + cpu)
        }
        nonmutating unsafeMutableAddress {
            assert(cpu >= 0 && cpu < count, "cpu\(cpu) beyond the table's \(count)")
            return slots + cpu
        }
    }

    /// Sets `cpu`'s readiness (and its packed wait code).
    func setReadiness(_ readiness: CPUReadiness, of cpu: Int) {
        self[cpu].readiness = readiness
        waitCodes[cpu] = readiness.waitCode
    }

    /// Words of 64 CPUs each (for ``waiters(on:word:)``).
    var words: Int { (count + 63) >> 6 }

    /// The CPUs `64 x word ..< 64 x word + 64` whose readiness waits on the location `code`,
    /// a bit each.
    func waiters(on code: UInt32, word: Int) -> UInt64 {
        // Eight lanes a compare: the codes are padded with `UInt32.max` (no location's code) to
        // whole groups of eight. A full word's eight groups unroll.
        let codes = UnsafeRawPointer(waitCodes + word << 6)
        let target = SIMD8<UInt32>(repeating: code)
        @inline(__always)
        func hits(inGroup group: Int) -> UInt64 {
            let lanes = codes.loadUnaligned(fromByteOffset: group * 32, as: SIMD8<UInt32>.self)
            // All ones in each equal lane, masked to its own bit and summed.
            let equal = SIMD8<UInt32>(truncatingIfNeeded: (lanes .== target)._storage)
            let hits = equal & SIMD8<UInt32>(1, 2, 4, 8, 16, 32, 64, 128)
            return UInt64(hits.wrappedSum()) << UInt64(group * 8)
        }
        var bits: UInt64 = 0
        let lanes = count - word << 6
        if lanes >= 64 {
            for group in 0..<8 { bits |= hits(inGroup: group) }
        } else {
            for group in 0..<(lanes + 7) >> 3 { bits |= hits(inGroup: group) }
        }
        return bits
    }

    /// The latest clock.
    var latestClock: Int { (0..<count).map { slots[$0].clock }.max() ?? 0 }
}
