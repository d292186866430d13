import Foundation
import Kiso

/// Images kept as bytes and their labels, for one split: what `MNIST.loadBytes` returns.
///
/// A quarter of the memory of ``LabeledImages`` (60 000 images: 47 MB instead of 188 MB);
/// a trainer draws float32 mini-batches from ``images`` (a `MiniBatchSource`), and those
/// batches equal the rows of ``floats()`` exactly.
public struct LabeledByteImages: Sendable {
    /// The pixels as bytes, read as `Float(byte) * images.scale`: shape `[N, 784]` when
    /// flattened, else `[N, 1, 28, 28]`; scale 1/255 when normalized (values 0…1), else 1.
    public var images: ByteTensor
    /// The class of each image, `0..<10`, as read from the label file.
    public var labels: ClassLabels
    /// The class names, indexed by label.
    public var classNames: [String]

    /// The number of examples, N.
    public var count: Int { images.shape[0] }

    /// The first `n` examples (all of them when `n` ≥ N).
    /// - Precondition: `n` ≥ 0.
    public func prefix(_ n: Int) -> LabeledByteImages {
        guard n < count else { return self }
        return LabeledByteImages(images: images.prefix(n), labels: labels[0..<n], classNames: classNames)
    }

    /// The same examples with float32 images (`images.floats()`), as `MNIST.load` returns them.
    public func floats() -> LabeledImages {
        LabeledImages(images: images.floats(), labels: labels, classNames: classNames)
    }
}

extension MNIST {
    /// Loads `split` of `dataset` keeping the images as bytes; the options, files and errors are
    /// those of ``load(_:split:normalize:flatten:locator:)``, whose float32 images equal
    /// `loadBytes(…).images.floats()`.
    ///
    /// ```swift
    /// let train = try MNIST.loadBytes(.fashionMNIST, split: .train, flatten: false)
    /// train.images.shape            // [60000, 1, 28, 28], 47 MB of bytes
    /// train.images.batch([3, 1, 4]) // float32 [3, 1, 28, 28] in 0…1
    /// ```
    /// - Throws: `DatasetError`, as `load` does.
    public static func loadBytes(_ dataset: DatasetName = .mnist, split: DatasetSplit,
                                 normalize: Bool = true, flatten: Bool = true,
                                 locator: DatasetLocator = DatasetLocator()) throws(DatasetError) -> LabeledByteImages {
        let files = dataset.files(for: split)
        let labelsURL = try locator.locate(files.labels, of: dataset)
        let imagesURL = try locator.locate(files.images, of: dataset)
        let images = try readImageBytes(imagesURL, normalize: normalize, flatten: flatten)
        let labels = try readLabels(labelsURL)
        guard images.shape[0] == labels.count else {
            throw .countMismatch(images: images.shape[0], labels: labels.count,
                                 imagesPath: imagesURL.path, labelsPath: labelsURL.path)
        }
        return LabeledByteImages(images: images, labels: labels, classNames: dataset.classNames)
    }

    /// Reads an IDX image file of shape `[N, 28, 28]` (uint8) keeping its bytes: shape `[N, 784]`
    /// when `flatten`, else `[N, 1, 28, 28]`; scale 1/255 when `normalize`, else 1.
    /// - Throws: `DatasetError.file` for an unreadable or corrupt file, `.unexpectedShape` otherwise.
    public static func readImageBytes(_ url: URL, normalize: Bool = true, flatten: Bool = true) throws(DatasetError) -> ByteTensor {
        let idx: IDX
        do { idx = try IDX.read(contentsOf: url) } catch { throw .file(error) }
        guard idx.elementType == .uint8, idx.shape.count == 3, idx.shape[1] == side, idx.shape[2] == side else {
            throw .unexpectedShape(path: url.path, shape: idx.shape, expected: "uint8 images [N, 28, 28] (IDX magic 0x00000803)")
        }
        let n = idx.shape[0]
        return ByteTensor(shape: flatten ? [n, side * side] : [n, 1, side, side], bytes: idx.payload,
                          scale: normalize ? 1 / 255 : 1)
    }
}
