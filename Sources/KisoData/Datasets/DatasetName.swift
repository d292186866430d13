/// The data sets Kiso can find, download and load: their files, mirrors, checksums and classes.
public enum DatasetName: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Handwritten digits 0…9 (LeCun, Cortes & Burges): 60 000 training and 10 000 test images, 28×28 gray.
    case mnist = "mnist"
    /// Zalando's clothing pictures in MNIST's format (Xiao, Rasul & Vollgraf, 2017), 10 classes.
    case fashionMNIST = "fashion-mnist"

    /// The name people write: "MNIST", "Fashion-MNIST".
    public var description: String {
        switch self {
        case .mnist: return "MNIST"
        case .fashionMNIST: return "Fashion-MNIST"
        }
    }

    /// The folder holding the files inside a data or cache directory: `mnist`, `fashion-mnist`.
    public var directoryName: String { rawValue }

    /// The ten class names, indexed by label.
    public var classNames: [String] {
        switch self {
        case .mnist:
            return (0...9).map(String.init)
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        }
    }

    /// The image and label files of `split`, as named by the data set's authors.
    public func files(for split: DatasetSplit) -> (images: RemoteFile, labels: RemoteFile) {
        let catalog = remoteFiles
        switch split {
        case .train: return (catalog[0], catalog[1])
        case .test: return (catalog[2], catalog[3])
        }
    }

    /// Base URLs of public mirrors serving the four files, tried in order.
    public var mirrors: [String] {
        switch self {
        case .mnist:
            // The original yann.lecun.com site no longer serves the files reliably. These two
            // mirrors (torchvision's and TensorFlow Datasets') serve the original .gz files.
            return ["https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/"]
        case .fashionMNIST:
            // Zalando's own bucket (plain HTTP only) and the files in the project's GitHub repository.
            return ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"]
        }
    }

    /// Where a Linux distribution package installs the files, if one does: Debian's and Ubuntu's
    /// `dataset-fashion-mnist` installs `/usr/share/datasets/fashion-mnist/*-ubyte.gz`.
    public var systemDirectories: [String] {
        switch self {
        case .mnist: return []
        case .fashionMNIST: return ["/usr/share/datasets/fashion-mnist"]
        }
    }

    /// The package that provides the files, and how to install it, when one exists.
    public var systemPackageHint: String? {
        switch self {
        case .mnist: return nil
        case .fashionMNIST: return "on Debian or Ubuntu: sudo apt install dataset-fashion-mnist"
        }
    }

    // `sha256`: the SHA-256 of each original .gz file as the mirrors serve it, as published by
    // TensorFlow Datasets' url_checksums (MNIST) and Zalando's README (Fashion-MNIST); downloads are
    // checked against it. `contentSHA256`: the SHA-256 of the decompressed IDX data, which stays the
    // same in copies recompressed by someone else (e.g. Debian's package), computed from such copies
    // (MNIST's train images: as published alongside the .gz digest by third parties). Order: train
    // images, train labels, test images, test labels.
    private var remoteFiles: [RemoteFile] {
        switch self {
        case .mnist:
            return [
                RemoteFile(name: "train-images-idx3-ubyte.gz", size: 9_912_422,
                           sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                           contentSHA256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                RemoteFile(name: "train-labels-idx1-ubyte.gz", size: 28_881,
                           sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                           contentSHA256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
                RemoteFile(name: "t10k-images-idx3-ubyte.gz", size: 1_648_877,
                           sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                           contentSHA256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                RemoteFile(name: "t10k-labels-idx1-ubyte.gz", size: 4_542,
                           sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                           contentSHA256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            ]
        case .fashionMNIST:
            return [
                RemoteFile(name: "train-images-idx3-ubyte.gz", size: 26_421_880,
                           sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                           contentSHA256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                RemoteFile(name: "train-labels-idx1-ubyte.gz", size: 29_515,
                           sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                           contentSHA256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                RemoteFile(name: "t10k-images-idx3-ubyte.gz", size: 4_422_102,
                           sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                           contentSHA256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                RemoteFile(name: "t10k-labels-idx1-ubyte.gz", size: 5_148,
                           sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                           contentSHA256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
            ]
        }
    }
}

/// Which part of a data set: the training images or the test images.
public enum DatasetSplit: String, CaseIterable, Sendable {
    /// The training images (60 000 for MNIST and Fashion-MNIST), files `train-*`.
    case train
    /// The test images (10 000), files `t10k-*`.
    case test
}
