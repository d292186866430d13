import Foundation
import KisoData
import Testing

/// MNIST and Fashion-MNIST share their file names; the labels' checksums tell them apart.
@Suite struct DatasetIdentityTests {
    typealias F = FormatFixtures

    @Test(.enabled(if: F.shared("fashion-mnist/t10k-labels-idx1-ubyte.gz") != nil, "needs ../shared/data"),
          arguments: [(DatasetName.mnist, "mnist"), (.fashionMNIST, "fashion-mnist")])
    func publishedLabelsAreRecognised(dataset: DatasetName, folder: String) throws {
        for split in DatasetSplit.allCases {
            let name = split == .train ? "train-labels-idx1-ubyte.gz" : "t10k-labels-idx1-ubyte.gz"
            guard let url = F.shared("\(folder)/\(name)") else { continue }
            #expect(DatasetName.identify(labelsAt: url, split: split) == dataset)
            // Stored decompressed, the contents' checksum recognises it too.
            let raw = try Zlib.gunzip([UInt8](Data(contentsOf: url)))
            #expect(DatasetName.identify(labels: raw, split: split) == dataset)
            // The test labels are not the training labels.
            #expect(DatasetName.identify(labelsAt: url, split: split == .train ? .test : .train) == nil)
        }
    }

    @Test func otherLabelsAreNeither() {
        let idx: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]
        #expect(DatasetName.identify(labels: idx, split: .test) == nil)
        #expect(DatasetName.identify(labels: [], split: .train) == nil)
        #expect(DatasetName.identify(labelsAt: URL(fileURLWithPath: "/nonexistent/labels"), split: .train) == nil)
    }
}
