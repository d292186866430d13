import CKisoKernels

/// An array of bytes that reads as float32: element i is `Float(bytes[i]) * scale`.
///
/// Holds an 8-bit data set in a quarter of the memory of its float32 ``Tensor`` — the
/// 60 000 training images of (Fashion-)MNIST take 47 MB instead of 188 MB — and converts
/// only the samples a mini-batch asks for (see ``MiniBatchSource``). The conversion is the
/// same expression a loader uses for a float32 copy, so batches equal that copy's rows exactly.
///
/// ```swift
/// let images = ByteTensor(shape: [2, 2], bytes: [0, 51, 102, 255], scale: 1 / 255)
/// images.batch([1, 0])   // Tensor [[0.4, 1.0], [0.0, 0.2]]
/// images.floats()        // the whole array as float32, shape [2, 2]
/// ```
public struct ByteTensor: Sendable, Equatable {
    /// The size of each axis; axis 0 counts the samples.
    public let shape: [Int]
    /// The elements in row-major order.
    public let bytes: [UInt8]
    /// The factor turning a byte into its float value (1 / 255 maps 0…255 to 0…1).
    public let scale: Float

    /// An array of `shape` holding `bytes` (row-major), read as `Float(byte) * scale`.
    /// - Precondition: `shape` has at least one axis, no negative size, and `bytes.count`
    ///   equals its product.
    public init(shape: [Int], bytes: [UInt8], scale: Float = 1) {
        kisoPrecondition(!shape.isEmpty && shape.allSatisfy { $0 >= 0 },
                         "ByteTensor: shape \(shape) must have at least one axis and no negative size")
        let n = shape.reduce(1, *)
        kisoPrecondition(bytes.count == n, "ByteTensor: shape \(shape) holds \(n) elements but \(bytes.count) bytes were given")
        self.shape = shape
        self.bytes = bytes
        self.scale = scale
    }

    /// The number of axes.
    public var ndim: Int { shape.count }
    /// The number of elements (the product of `shape`).
    public var count: Int { bytes.count }

    /// The same bytes viewed with `newShape` (same element count), without copying.
    /// - Precondition: `newShape` has as many elements as `shape` and at least one axis.
    public func reshaped(_ newShape: [Int]) -> ByteTensor {
        kisoPrecondition(newShape.reduce(1, *) == count,
                         "ByteTensor.reshaped: cannot view shape \(shape) (\(count) elements) as \(newShape)")
        return ByteTensor(shape: newShape, bytes: bytes, scale: scale)
    }

    /// The first `n` samples (all of them when `n` ≥ N), shape `[min(n, N)] + shape[1...]`.
    /// - Precondition: `n` ≥ 0.
    public func prefix(_ n: Int) -> ByteTensor {
        kisoPrecondition(n >= 0, "ByteTensor.prefix: count \(n) must be ≥ 0")
        guard n < shape[0] else { return self }
        return ByteTensor(shape: [n] + shape.dropFirst(), bytes: Array(bytes[0..<(n * sampleSize)]), scale: scale)
    }

    /// Every element as float32 `Float(byte) * scale`, shape `shape`.
    public func floats() -> Tensor { batch(0..<shape[0]) }

    /// Elements per sample (the product of `shape[1...]`).
    private var sampleSize: Int { shape.dropFirst().reduce(1, *) }

    /// `out[j] = Float(source[j]) * scale` for j in 0..<count.
    @inline(__always)
    private func convert(_ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>, count: Int) {
        let scale = self.scale
        for j in 0..<count { out[j] = Float(source[j]) * scale }
    }
}

extension ByteTensor: MiniBatchSource {
    /// N, the size of axis 0.
    public var sampleCount: Int { shape[0] }

    /// `shape` without axis 0.
    public var sampleShape: [Int] { Array(shape.dropFirst()) }

    /// The samples at `indices` (in that order, repeats allowed, negative ones counting from the
    /// end) as float32 `[indices.count] + shape[1...]`, each element `Float(byte) * scale`.
    /// - Precondition: every index is in range.
    public func batch(_ indices: [Int]) -> Tensor {
        let (rows, size) = (shape[0], sampleSize)
        let resolved = indices.map { index in
            let i = index < 0 ? index + rows : index
            kisoPrecondition(i >= 0 && i < rows, "ByteTensor.batch: index \(index) is out of range for axis 0 of shape \(shape)")
            return i
        }
        return bytes.withUnsafeBufferPointer { src in
            Tensor(shape: [indices.count] + shape.dropFirst(), unsafeUninitialized: { out in
                guard size > 0 else { return }
                // Scattered rows are latency-bound: split them over the threads from a
                // quarter of the element-wise grain.
                let from = UnsafeSendableBox(src.baseAddress!), to = UnsafeSendableBox(out.baseAddress!)
                resolved.withUnsafeBufferPointer { list in
                    let rowsToCopy = UnsafeSendableBox(list.baseAddress!)
                    let scale = self.scale
                    Kernels.parallelFor(resolved.count, grain: Swift.max(1, Kernels.elementwiseGrain / 4 / size)) { range in
                        kiso_gather_rows_u8(from.value, size, rowsToCopy.value + range.lowerBound, range.count, scale,
                                            to.value + range.lowerBound * size)
                    }
                }
            })
        }
    }

    /// The samples in `range` as float32 `[range.count] + shape[1...]`.
    /// - Precondition: `range` lies within `0..<N`.
    public func batch(_ range: Range<Int>) -> Tensor {
        kisoPrecondition(range.lowerBound >= 0 && range.upperBound <= shape[0],
                         "ByteTensor.batch: range \(range) is out of bounds for axis 0 of shape \(shape)")
        let size = sampleSize
        return bytes.withUnsafeBufferPointer { src in
            Tensor(shape: [range.count] + shape.dropFirst(), unsafeUninitialized: { out in
                if out.count > 0 { convert(src.baseAddress! + range.lowerBound * size, into: out.baseAddress!, count: out.count) }
            })
        }
    }
}
