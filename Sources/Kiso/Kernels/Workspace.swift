/// Scratch memory that a layer keeps between calls: one float buffer per slot (usually per
/// thread), grown when a larger one is needed and otherwise reused, so a training loop does
/// not allocate and page-fault the same large buffers on every iteration.
///
/// Call ``reserve(slots:count:)`` before a parallel region; inside it each thread uses only
/// its own ``buffer(_:)``. Not for concurrent `reserve` calls.
public final class Workspace: @unchecked Sendable {
    private var buffers: [UnsafeMutablePointer<Float>] = []
    private var bases: [UnsafeMutableRawPointer] = []   // what to free (see `AlignedMemory`)
    private var capacity = 0

    /// An empty workspace.
    public init() {}

    /// Makes sure `slots` buffers of at least `count` floats each exist. Contents are undefined
    /// after a call that had to grow them.
    public func reserve(slots: Int, count: Int) {
        kisoPrecondition(slots >= 0 && count >= 0, "Workspace.reserve: slots \(slots) and count \(count) must be ≥ 0")
        if count > capacity {
            for b in bases { AlignedMemory.deallocate(b) }
            buffers = []
            bases = []
            capacity = count
        }
        while buffers.count < slots {
            let (base, floats) = AlignedMemory.allocate(floats: capacity)
            bases.append(base)
            buffers.append(floats)
        }
    }

    /// The buffer of `slot` (at least the `count` floats last reserved).
    /// - Precondition: `slot` was reserved.
    @inline(__always)
    public func buffer(_ slot: Int) -> UnsafeMutablePointer<Float> {
        buffers[slot]
    }

    deinit {
        for b in bases { AlignedMemory.deallocate(b) }
    }
}
