import Foundation

extension DatasetName {
    /// The data set whose published labels file of `split` `bytes` are (gzip-compressed as
    /// published, recompressed, or stored decompressed), judged by SHA-256; `nil` for labels
    /// of neither (a subset, another data set, a damaged copy). MNIST and Fashion-MNIST name
    /// their files alike, so this is how a folder of IDX files tells which it holds.
    public static func identify(labels bytes: [UInt8], split: DatasetSplit) -> DatasetName? {
        allCases.first { name in
            switch try? name.files(for: split).labels.check(bytes) {
            case .publishedFile?, .publishedContents?: return true
            default: return false
            }
        }
    }

    /// ``identify(labels:split:)`` for the labels file at `url`; `nil` when it cannot be read.
    public static func identify(labelsAt url: URL, split: DatasetSplit) -> DatasetName? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return identify(labels: [UInt8](data), split: split)
    }
}
