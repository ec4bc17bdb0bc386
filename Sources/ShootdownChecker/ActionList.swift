import ShootdownModel

/// A state's enabled actions in the order ``World/enabledActions(into:)`` lists them, inline:
/// four bits an action (its ``ActionSet`` bit), so a frame of the search allocates nothing.
struct ActionList {
    private var codes: UInt64 = 0
    /// How many actions the list holds (at most 15: three for each of 5 CPUs).
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ action: Action) {
        codes |= UInt64(ActionSet.slot(action)) << UInt64(4 * count)
        count += 1
    }

    subscript(index: Int) -> Action { ActionSet.action(slot: Int(codes >> UInt64(4 * index) & 0xF)) }

    /// The index of the first action that `isWanted`, if any.
    func firstIndex(where isWanted: (Action) -> Bool) -> Int? {
        (0..<count).first { isWanted(self[$0]) }
    }
}
