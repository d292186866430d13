/// Why a data set could not be found or loaded; `description` is the message for the user,
/// naming the file, what was tried and how to fix it.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// `file` of `dataset` is in none of the places searched (`searched`: "place: path" lines),
    /// and downloading was disabled or failed (`downloads`: "url: reason" lines).
    case notFound(dataset: DatasetName, file: String, searched: [String], downloads: [String], fix: String)
    /// An IDX file is unreadable or corrupt.
    case file(IDXError)
    /// An image or label file has a shape other than the data set's.
    case unexpectedShape(path: String, shape: [Int], expected: String)
    /// The image and label files of a split hold different numbers of examples.
    case countMismatch(images: Int, labels: Int, imagesPath: String, labelsPath: String)
    /// A label is outside 0…(classes − 1).
    case labelOutOfRange(path: String, index: Int, label: Int, classes: Int)

    public var description: String {
        switch self {
        case let .notFound(dataset, file, searched, downloads, fix):
            var lines = ["\(dataset) file \(file) was not found. Looked in:"]
            lines += searched.map { "  - \($0)" }
            if downloads.isEmpty {
                lines.append("Downloading was not tried (offline: KISO_OFFLINE is set or downloads are disabled).")
            } else {
                lines.append("Downloading failed:")
                lines += downloads.map { "  - \($0)" }
            }
            lines.append("To fix: \(fix)")
            return lines.joined(separator: "\n")
        case let .file(error):
            return error.description
        case let .unexpectedShape(path, shape, expected):
            return "\(path) holds an array of shape \(shape); expected \(expected)"
        case let .countMismatch(images, labels, imagesPath, labelsPath):
            return "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels; "
                + "the two files must come from the same split"
        case let .labelOutOfRange(path, index, label, classes):
            return "\(path): label \(label) at index \(index) is outside 0…\(classes - 1)"
        }
    }
}
