import Foundation
import Kiso
import KisoData
import Testing

@Suite struct CheckpointTests {
    typealias F = FormatFixtures

    @Test(arguments: ["model.safetensors", "model.npz", "model.pkl", "model.weights"])
    func savesAndLoadsByExtensionWithMetadata(name: String) throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let url = dir.appendingPathComponent(name)
        let meta = ["kiso.model": "two-layer", "kiso.config": #"{"hidden":50}"#]
        try Checkpoint.save(F.sample, metadata: meta, to: url)
        let file = try Checkpoint.load(from: url)
        #expect(F.identical(file.tensors, F.sample))
        #expect(file.metadata == meta)
    }

    @Test func npyKeepsItsTensorButRefusesMetadata() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let pkl = dir.appendingPathComponent("params.pkl")
        try Checkpoint.save(F.sample, to: pkl)
        #expect(F.identical(try Checkpoint.load(from: pkl).tensors, F.sample))
        // A metadata key may not stand for a tensor too: the dict would hold one of them only.
        #expect(F.formatError { try Checkpoint.save(F.sample, metadata: ["W1": "b"], to: pkl) }?.reason == .unexpectedContent)

        let npy = dir.appendingPathComponent("W1.npy")
        try Checkpoint.save(["W1": F.sample["W1"]!], to: npy)
        #expect(try Checkpoint.load(from: npy).tensors["W1"]?.scalars == F.sample["W1"]!.scalars)
        #expect(F.formatError { try Checkpoint.save(F.sample, to: npy) }?.reason == .unexpectedContent)
    }

    @Test func loadSniffsTheFormatOfUnknownExtensions() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let url = dir.appendingPathComponent("weights.bin")
        try AtomicFile.write(BookPickle.encode(F.sample), to: url)
        #expect(F.identical(try Checkpoint.load(from: url).tensors, F.sample))
        try AtomicFile.write(Array("hello".utf8), to: url)
        #expect(F.formatError { _ = try Checkpoint.load(from: url) }?.reason == .badMagic)
    }

    @Test func atomicSaveReplacesTheFileWholeAndLeavesNoTemporaryFiles() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try Checkpoint.save(["a": Tensor([1, 2, 3])], to: url)
        try Checkpoint.save(["b": Tensor([4])], to: url)
        #expect(try Checkpoint.load(from: url).tensors.names == ["b"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"])
    }

    @Test func failedSaveKeepsThePreviousCheckpoint() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try Checkpoint.save(["a": Tensor([1, 2, 3])], to: url)
        // A save into a folder that does not exist fails before touching anything.
        let missing = dir.appendingPathComponent("no-such-folder/model.safetensors")
        #expect(F.formatError { try Checkpoint.save(["b": Tensor([4])], to: missing) }?.reason == .ioError)
        // Saving over a directory is refused, and the directory is untouched.
        let folder = dir.appendingPathComponent("folder.safetensors")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        #expect(F.formatError { try Checkpoint.save(["b": Tensor([4])], to: folder) }?.reason == .isDirectory)
        #expect(try Checkpoint.load(from: url).tensors["a"]?.scalars == [1, 2, 3])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["model.safetensors", "folder.safetensors"])
    }

    @Test func errorsNameTheFile() {
        let error = F.formatError { _ = try Checkpoint.load(from: URL(fileURLWithPath: "/nonexistent/model.safetensors")) }
        #expect(error?.reason == .fileNotFound)
        #expect(error?.description.hasPrefix("model.safetensors: no such file") == true)
        #expect(error?.localizedDescription == error?.description)
    }
}
