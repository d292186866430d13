import Foundation
import Kiso

/// Images and their labels, as the book's `load_mnist` returns them for one split.
public struct LabeledImages: Sendable {
    /// Float32 images: `[N, 784]` when flattened, else `[N, 1, 28, 28]`; values in 0…1 when
    /// normalized, else 0…255.
    public var images: Tensor
    /// The class of each image, `0..<10`, as read from the label file (the book's
    /// one-hot `t` is `labels.oneHot(classes: 10)`).
    public var labels: ClassLabels
    /// The class names, indexed by label.
    public var classNames: [String]

    /// The number of examples, N.
    public var count: Int { images.shape[0] }
}

/// Loads MNIST and Fashion-MNIST with the options of the book's `load_mnist` (`normalize`,
/// `flatten`), one split at a time. Labels stay integers (`ClassLabels`); the book's
/// `one_hot_label=True` is `labels.oneHot(classes: 10)` on the result.
///
/// ```swift
/// let test = try MNIST.load(split: .test)                 // images [10000, 784] in 0…1, 10000 labels
/// let train = try MNIST.load(.fashionMNIST, split: .train, flatten: false)
/// let t = train.labels.oneHot(classes: MNIST.classCount)  // images [60000, 1, 28, 28], t [60000, 10]
/// ```
public enum MNIST {
    /// The side of an image: 28 pixels.
    public static let side = 28
    /// The number of classes: 10.
    public static let classCount = 10

    /// Loads `split` of `dataset`: both its image file and its label file, found by `locator`.
    ///
    /// - Parameters:
    ///   - dataset: MNIST (the default) or Fashion-MNIST.
    ///   - split: the training or the test split.
    ///   - normalize: scale pixels x to x / 255 in 0…1 (else keep 0…255).
    ///   - flatten: images as `[N, 784]` rows (else `[N, 1, 28, 28]`).
    ///   - locator: where the files are looked for (and downloaded to).
    /// - Throws: `DatasetError` — a file not found (with every place tried and the fix), corrupt,
    ///   of the wrong shape, or image and label counts that differ.
    public static func load(_ dataset: DatasetName = .mnist, split: DatasetSplit,
                            normalize: Bool = true, flatten: Bool = true,
                            locator: DatasetLocator = DatasetLocator()) throws(DatasetError) -> LabeledImages {
        try loadBytes(dataset, split: split, normalize: normalize, flatten: flatten, locator: locator).floats()
    }

    /// `load` with the files searched first in `directory` (then the usual places).
    public static func load(_ dataset: DatasetName = .mnist, split: DatasetSplit,
                            normalize: Bool = true, flatten: Bool = true,
                            from directory: URL) throws(DatasetError) -> LabeledImages {
        try load(dataset, split: split, normalize: normalize, flatten: flatten, locator: DatasetLocator(dataDirectory: directory))
    }

    /// Only the images of `split` (the label file is not needed). Shapes as in `load`.
    public static func loadImages(_ dataset: DatasetName = .mnist, split: DatasetSplit,
                                  normalize: Bool = true, flatten: Bool = true,
                                  locator: DatasetLocator = DatasetLocator()) throws(DatasetError) -> Tensor {
        try readImages(locator.locate(dataset.files(for: split).images, of: dataset), normalize: normalize, flatten: flatten)
    }

    /// Only the labels of `split` (the image file is not needed).
    public static func loadLabels(_ dataset: DatasetName = .mnist, split: DatasetSplit,
                                  locator: DatasetLocator = DatasetLocator()) throws(DatasetError) -> ClassLabels {
        try readLabels(locator.locate(dataset.files(for: split).labels, of: dataset))
    }

    /// Reads an IDX image file of shape `[N, 28, 28]` (uint8) into float32 images.
    /// - Throws: `DatasetError.file` for an unreadable or corrupt file, `.unexpectedShape` otherwise.
    public static func readImages(_ url: URL, normalize: Bool = true, flatten: Bool = true) throws(DatasetError) -> Tensor {
        try readImageBytes(url, normalize: normalize, flatten: flatten).floats()
    }

    /// Reads an IDX label file of shape `[N]` (uint8, values 0…9) into labels, byte by byte.
    /// - Throws: `DatasetError.file` for an unreadable or corrupt file, `.unexpectedShape` for another
    ///   shape, `.labelOutOfRange` for a label above 9.
    public static func readLabels(_ url: URL) throws(DatasetError) -> ClassLabels {
        let idx: IDX
        do { idx = try IDX.read(contentsOf: url) } catch { throw .file(error) }
        guard idx.elementType == .uint8, idx.shape.count == 1 else {
            throw .unexpectedShape(path: url.path, shape: idx.shape, expected: "uint8 labels [N] (IDX magic 0x00000801)")
        }
        let labels = idx.payload
        if let bad = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw .labelOutOfRange(path: url.path, index: bad, label: Int(labels[bad]), classes: classCount)
        }
        return ClassLabels(bytes: labels)
    }
}

/// Fashion-MNIST: `MNIST`'s loader with `DatasetName.fashionMNIST`, and its class names.
public enum FashionMNIST {
    /// "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot".
    public static var classNames: [String] { DatasetName.fashionMNIST.classNames }

    /// Loads `split` of Fashion-MNIST; see `MNIST.load` for the options, shapes and errors.
    public static func load(split: DatasetSplit, normalize: Bool = true, flatten: Bool = true,
                            locator: DatasetLocator = DatasetLocator()) throws(DatasetError) -> LabeledImages {
        try MNIST.load(.fashionMNIST, split: split, normalize: normalize, flatten: flatten, locator: locator)
    }
}
