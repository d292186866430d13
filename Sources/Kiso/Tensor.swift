/// A float32 N-dimensional array with value semantics, NumPy's vocabulary and
/// broadcasting rules.
///
/// Values are stored contiguously in row-major (C) order. Copies share their buffer until
/// one of them is mutated (copy-on-write), so passing tensors around is cheap.
///
/// ```swift
/// let a = Tensor([[1, 2], [3, 4]])
/// let b = Tensor([10, 20])
/// print(a * b)   // [[10, 40], [30, 80]]
/// ```
///
/// Misuse — incompatible shapes, a bad axis, an index out of range — stops the program
/// with a message naming the operation and the shapes involved, never a silent wrong result.
public struct Tensor: Sendable {
    /// The size of each axis; `[]` for a scalar (0-d) tensor.
    public private(set) var shape: [Int]
    @usableFromInline var storage: TensorStorage

    /// The number of axes.
    public var ndim: Int { shape.count }
    /// The number of elements (the product of `shape`).
    public var count: Int { storage.count }

    /// Creates a tensor of `shape` whose elements, in row-major order, are `scalars`.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        let n = Shape.elementCount(shape, operation: "Tensor(shape:scalars:)")
        kisoPrecondition(n == scalars.count,
                     "Tensor(shape:scalars:): shape \(shape) holds \(n) elements but \(scalars.count) were given")
        self.shape = shape
        storage = TensorStorage(uninitializedCount: n)
        scalars.withUnsafeBufferPointer { storage.pointer.initialize(from: $0.baseAddress!, count: n) }
    }

    /// Creates a tensor of `shape` with every element equal to `value`.
    public init(shape: [Int], repeating value: Float) {
        let n = Shape.elementCount(shape, operation: "Tensor(shape:repeating:)")
        self.shape = shape
        storage = TensorStorage(count: n, repeating: value)
    }

    /// Creates a tensor of `shape` and lets `initializer` write every one of its
    /// `count` elements (row-major) before it is used. Elements it leaves unwritten are
    /// undefined. Use it to fill a result without first zeroing it.
    public init(shape: [Int], unsafeUninitialized initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let n = Shape.elementCount(shape, operation: "Tensor(shape:unsafeUninitialized:)")
        self.shape = shape
        storage = TensorStorage(uninitializedCount: n)
        try initializer(UnsafeMutableBufferPointer(start: storage.pointer, count: n))
    }

    @usableFromInline
    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The only element of a tensor with one element (any shape), e.g. a loss.
    /// - Precondition: `count == 1`.
    public var scalar: Float {
        kisoPrecondition(count == 1, "Tensor.scalar: a tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// Calls `body` with the elements in row-major order, without copying.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Calls `body` with mutable access to the elements in row-major order, copying the
    /// buffer first if another tensor shares it.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Makes this tensor the only owner of its buffer (copy-on-write).
    @inlinable
    public mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Element access with one index per axis; negative indices count from the end.
    /// - Precondition: `indices.count == ndim` and each index is in range.
    public subscript(_ indices: Int...) -> Float {
        get { storage.pointer[flatIndex(indices)] }
        set {
            let i = flatIndex(indices)
            makeUnique()
            storage.pointer[i] = newValue
        }
    }

    func flatIndex(_ indices: [Int]) -> Int {
        kisoPrecondition(indices.count == ndim,
                     "Tensor subscript: \(indices.count) indices \(indices) for a tensor of shape \(shape)")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            let size = shape[axis]
            let i = index < 0 ? index + size : index
            kisoPrecondition(i >= 0 && i < size,
                         "Tensor subscript: index \(index) is out of range for axis \(axis) of size \(size) (shape \(shape))")
            flat = flat * size + i
        }
        return flat
    }

    /// Replaces the shape without touching the elements (used by reshape).
    mutating func setShape(_ newShape: [Int]) { shape = newShape }
}
