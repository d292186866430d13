import ArgumentParser
import Foundation
import Kiso
import KisoData

/// `kiso show`: the book's mnist_show.py — one image of the data set written as a PNG.
public struct ShowCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Chapter 3: write one data-set image as a PNG and print its label (the book's mnist_show.py)."
    )

    @OptionGroup var datasetOptions: DatasetOptions

    /// Which split to read.
    @Option(help: "train or test (the book shows the training set's first image, a 5).")
    var split: SplitChoice = .train

    /// The example's position in the split.
    @Option(help: "Index of the image in the split, from 0.")
    var index = 0

    /// The PNG to write.
    @Option(help: ArgumentHelp("The PNG file to write.", valueName: "file.png"))
    var out = "digit.png"

    /// Magnification (nearest neighbour).
    @Option(help: "Enlarge each pixel to a square of this many pixels.")
    var scale = 1

    public init() {}

    public func validate() throws {
        guard index >= 0 else { throw ValidationError("--index must be 0 or more, got \(index)") }
        guard (1...64).contains(scale) else { throw ValidationError("--scale must be between 1 and 64, got \(scale)") }
    }

    public func execute(_ console: Console) throws {
        let split = self.split.datasetSplit
        let name = try datasetOptions.resolved(for: split, console: console)
        let set = try datasetOptions.load(name, split: split, flatten: true, console: console)
        guard index < set.count else {
            throw KisoError("--index \(index) is past the end: \(name)'s \(split.rawValue) set has \(set.count) images (0…\(set.count - 1))")
        }
        let label = set.labels[index]
        let image = set.images.row(index)
        console.line("\(name) \(split.rawValue)[\(index)]: label \(label) (\(set.classNames[label]))")
        console.line("image shape \(image.shape), reshaped to [28, 28]")
        let picture = Image(tensor: image.reshaped([28, 28])).magnified(by: scale)
        let url = URL(fileURLWithPath: out)
        do { try PNG.write(picture, to: url) } catch { throw KisoError("cannot write \(out): \(error)") }
        console.line("wrote \(url.path) (\(picture.width)×\(picture.height))")
    }
}

/// The split of a data set, as a command-line value.
public enum SplitChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The 60 000 training images.
    case train
    /// The 10 000 test images.
    case test

    /// The split in KisoData's terms.
    public var datasetSplit: DatasetSplit { self == .train ? .train : .test }
}

extension Image {
    /// The image with every pixel repeated as a `factor × factor` square (nearest neighbour).
    func magnified(by factor: Int) -> Image {
        guard factor > 1 else { return self }
        var out = Image(width: width * factor, height: height * factor, channels: channels)
        for y in 0..<out.height {
            for x in 0..<out.width {
                for c in 0..<channels { out[x, y, c] = self[x / factor, y / factor, c] }
            }
        }
        return out
    }
}
