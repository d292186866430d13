/// Float buffers aligned to a 64-byte cache line, taken from plain `malloc`.
///
/// Why not `UnsafeMutableRawPointer.allocate(byteCount:alignment: 64)`: an alignment above
/// 16 makes Swift call `posix_memalign`, and glibc before 2.38 hardly ever reuses a freed
/// chunk for a later aligned request (glibc bug 14581). A training loop that allocates and
/// frees the same few multi-megabyte activations every iteration then grows its heap without
/// bound — SimpleConvNet's one-epoch benchmark peaked anywhere from 213 MB to 580 MB
/// (BENCHMARKS.md, "Peak memory"). Allocating 63 bytes more with `malloc` and rounding the
/// pointer up keeps the alignment and lets `malloc` reuse freed chunks normally.
enum AlignedMemory {
    /// The alignment of every buffer: one cache line, and a whole AVX-512 register.
    static let alignment = 64

    /// Allocates room for `count` floats (at least one), uninitialised.
    /// - Returns: `base`, to pass to ``deallocate(_:)``, and `floats`, 64-byte aligned.
    @inline(__always)
    static func allocate(floats count: Int) -> (base: UnsafeMutableRawPointer, floats: UnsafeMutablePointer<Float>) {
        let bytes = Swift.max(count, 1) * MemoryLayout<Float>.stride
        // Float's own alignment (4) keeps Swift on `malloc`; the slack covers the rounding.
        let base = UnsafeMutableRawPointer.allocate(byteCount: bytes + alignment - 1, alignment: MemoryLayout<Float>.alignment)
        let address = (Int(bitPattern: base) + alignment - 1) & ~(alignment - 1)
        let floats = UnsafeMutableRawPointer(bitPattern: address)!.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
        return (base, floats)
    }

    /// Frees a buffer from ``allocate(floats:)``, given its `base`.
    @inline(__always)
    static func deallocate(_ base: UnsafeMutableRawPointer) {
        base.deallocate()
    }
}
