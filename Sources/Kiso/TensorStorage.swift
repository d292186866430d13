/// The heap buffer behind a ``Tensor``: `count` float32 values, 64-byte aligned so the
/// SIMD kernels can use aligned loads. Shared between tensor copies until one of them
/// writes (copy-on-write is driven by ``Tensor``).
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int
    /// What `malloc` returned; `pointer` is this rounded up to 64 bytes (see `AlignedMemory`).
    private let base: UnsafeMutableRawPointer

    /// Allocates `count` floats without initialising them.
    @usableFromInline
    init(uninitializedCount count: Int) {
        kisoPrecondition(count >= 0, "Tensor: negative element count \(count)")
        self.count = count
        (base, pointer) = AlignedMemory.allocate(floats: count)
    }

    /// Allocates `count` floats set to `value`.
    convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// A new buffer holding the same values.
    @usableFromInline
    func copy() -> TensorStorage {
        let other = TensorStorage(uninitializedCount: count)
        other.pointer.update(from: pointer, count: count)
        return other
    }

    deinit {
        AlignedMemory.deallocate(base)
    }
}
