import ShootdownModel

/// What a reader of a counterexample clicks on: the shared state each step read and wrote, with
/// its value after the step, and the life of the stale entry the violation used (filled,
/// revoked, due, used).
public struct CounterexampleAnatomy: Codable, Hashable, Sendable {
    /// The shared state one step touched (its footprint), each location by its kernel name with
    /// its value after the step (``MachineState/describe(_:)``).
    public struct Footprint: Codable, Hashable, Sendable {
        public var reads: [String]
        public var writes: [String]
    }

    /// The steps (1-based) at which the violating CPU's stale entry changed: the last fill before
    /// the use, the PTE change that revoked it (the revocation mark set on the entry), the
    /// revoking operation's coherence point (the mark due), and the use.
    public struct EntryLife: Codable, Hashable, Sendable {
        /// The entry, as `cpu1's TLB: mm0 page 0 -> frame 0 (rw)`.
        public var entry: String
        public var filled: Int?
        public var revoked: Int?
        public var due: Int?
        public var used: Int

        /// The four by name, in order: `filled`, `revoked`, `due`, `used`.
        public var events: [(name: String, step: Int?)] {
            [("filled", filled), ("revoked", revoked), ("due", due), ("used", used)]
        }
    }

    /// One footprint a step, in schedule order.
    public var footprints: [Footprint]
    /// `nil` when the violation used no cached entry (a deadlock, a freed page table).
    public var staleEntry: EntryLife?

    /// Replays `schedule` and records each step's footprint and the stale entry's life.
    /// - Returns: `nil` if the schedule does not end in a violation.
    public init?<S: Scheme>(scenario: Scenario, scheme: S, schedule: [Action]) {
        guard let violation = Runner(scenario: scenario, scheme: scheme).run(.scripted(schedule)).violation else {
            return nil
        }
        // The violating CPU's cached translation of the page to the frame.
        func entry(_ world: World<S>) -> TLBEntry? {
            world.state.cpus[violation.cpu].tlb.entries.first {
                $0.page == violation.page && $0.frame == violation.frame
            }
        }
        var world = World(scenario: scenario, scheme: scheme)
        var filled: Int?
        var revoked: Int?
        var due: Int?
        var cached: TLBEntry?
        footprints = []
        for (index, action) in schedule.enumerated() {
            let before = entry(world)
            world.perform(action)
            var footprint = Footprint(reads: [], writes: [])
            world.footprint.forEachCode { code, isWrite in
                let text = world.describe(Location(code: code))
                if isWrite { footprint.writes.append(text) } else { footprint.reads.append(text) }
            }
            footprints.append(footprint)
            guard index < schedule.count - 1 else { break }
            let after = entry(world)
            if before == nil, after != nil { (filled, revoked, due) = (index + 1, nil, nil) }
            let mark = violation.kind == .staleWrite ? after?.writeRevoked : after?.unmapped ?? after?.writeRevoked
            if mark != nil, revoked == nil { revoked = index + 1 }
            if mark?.isDue == true, due == nil { due = index + 1 }
            cached = after
        }
        guard violation.kind != .deadlock, violation.kind != .freedTableWalk, let cached else { return }
        staleEntry = EntryLife(
            entry:
                "cpu\(violation.cpu)'s TLB: \(scenario.mmName(cached.mm)) page \(cached.page) -> frame \(cached.frame) "
                + (cached.isWritable ? "(rw)" : "(ro)"),
            filled: filled, revoked: revoked, due: due, used: schedule.count)
    }
}
