/// The page allocator: a pool of physical frames, reused last-freed-first as the kernel's
/// per-CPU free lists do, so a stale translation can reach a frame that already belongs to
/// someone else.
public struct FrameAllocator: Hashable, Sendable {
    /// Freed frames, the most recently freed last.
    public private(set) var freeList: [Int]
    /// The next never-used frame.
    public private(set) var nextFresh: Int
    /// How many frames exist, besides the zero page.
    public let capacity: Int
    /// Per frame, the references beyond the first (`fork()` shares pages copy-on-write: each
    /// mapping holds one; `put_page()` frees the frame with its last). The zero page's is 1 for
    /// good: it is always shared.
    public private(set) var sharers: [UInt8]

    /// A pool of `capacity` frames of which `used` (0..<used) are already handed out, and the
    /// zero page.
    public init(capacity: Int, used: Int) {
        precondition(used <= capacity, "more frames in use than exist")
        self.capacity = capacity
        self.freeList = []
        self.nextFresh = used
        self.sharers = Array(repeating: 0, count: capacity + 1)
        sharers[capacity] = 1
    }

    /// `ZERO_PAGE(0)`: the frame after the last allocatable one, which read faults on
    /// anonymous memory map read-only (`do_anonymous_page()`); never allocated, counted or freed
    /// (`vm_normal_page()` is NULL for it: a "special" PTE), and always shared, so that a write
    /// copies it (`wp_page_copy()`).
    public var zeroPage: Int { capacity }

    /// `get_page()` for one more mapping of `frame` (the zero page takes no references).
    public mutating func share(_ frame: Int) {
        guard frame != zeroPage else { return }
        precondition(sharers[frame] < UInt8.max, "frame \(frame) mapped too many times")
        sharers[frame] += 1
    }

    /// Whether `frame` has more than one mapping.
    public func isShared(_ frame: Int) -> Bool { sharers[frame] > 0 }

    /// `put_page()`: drops one reference; frees the frame with the last one.
    /// - Returns: whether the frame was freed.
    public mutating func release(_ frame: Int) -> Bool {
        guard frame != zeroPage else { return false }
        if sharers[frame] > 0 {
            sharers[frame] -= 1
            return false
        }
        free(frame)
        return true
    }

    /// `alloc_page()`: a frame, or `nil` when memory is exhausted.
    public mutating func allocate() -> Int? {
        if let frame = freeList.popLast() { return frame }
        guard nextFresh < capacity else { return nil }
        defer { nextFresh += 1 }
        return nextFresh
    }

    /// Frames ``allocate()`` can still hand out.
    public var freeCount: Int { freeList.count + capacity - nextFresh }

    /// `free_page()`.
    public mutating func free(_ frame: Int) {
        assert(!freeList.contains(frame), "double free of frame \(frame)")
        freeList.append(frame)
    }
}
