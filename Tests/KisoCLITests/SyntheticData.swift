import Foundation

/// A tiny MNIST-shaped data set written as uncompressed IDX files in a temporary folder
/// (`<root>/mnist/` and `<root>/fashion-mnist/`), so commands can train in milliseconds.
///
/// Image `i` has label `i % 10` and a bright horizontal bar in rows `2·label … 2·label+3`
/// plus a little deterministic noise: learnable by any of the book's networks.
struct SyntheticData {
    let root: URL

    init(trainCount: Int = 200, testCount: Int = 50) {
        root = temporaryFolder()
        for name in ["mnist", "fashion-mnist"] {
            let folder = root.appendingPathComponent(name)
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            Self.write(count: trainCount, seed: 1, images: folder.appendingPathComponent("train-images-idx3-ubyte"),
                       labels: folder.appendingPathComponent("train-labels-idx1-ubyte"))
            Self.write(count: testCount, seed: 2, images: folder.appendingPathComponent("t10k-images-idx3-ubyte"),
                       labels: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        }
    }

    private static func header(magic: UInt32, dimensions: [Int]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in [magic] + dimensions.map(UInt32.init) {
            bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        return bytes
    }

    private static func write(count: Int, seed: UInt32, images: URL, labels: URL) {
        var imageBytes = header(magic: 0x0803, dimensions: [count, 28, 28])
        var labelBytes = header(magic: 0x0801, dimensions: [count])
        var state = seed
        for i in 0..<count {
            let label = i % 10
            labelBytes.append(UInt8(label))
            for row in 0..<28 {
                for _ in 0..<28 {
                    state = state &* 1_103_515_245 &+ 12345
                    let noise = UInt8(state >> 16 & 0x1F)
                    let onBar = row >= 2 * label + 2 && row < 2 * label + 6
                    imageBytes.append(onBar ? 200 + noise : noise)
                }
            }
        }
        try? Data(imageBytes).write(to: images)
        try? Data(labelBytes).write(to: labels)
    }
}
