import ShootdownModel

/// The footprints of the actions of a sleep set, one slot per ``ActionSet`` bit, inline (no
/// allocation per transition).
struct SleeperFootprints {
    private var slots = InlineArray<16, Footprint>(repeating: Footprint())

    subscript(action: Action) -> Footprint {
        get { slots[ActionSet.bit(action).trailingZeroBitCount] }
        set { slots[ActionSet.bit(action).trailingZeroBitCount] = newValue }
    }
}
