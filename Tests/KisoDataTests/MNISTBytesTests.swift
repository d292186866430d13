import Foundation
import Testing
import Kiso
import KisoData

/// `MNIST.loadBytes`: the images kept as bytes, batches equal to `MNIST.load`'s float32 rows.
@Suite struct MNISTBytesTests {
    typealias F = DataIOFixtures

    /// A folder with a 6-image MNIST test split (raw IDX images, gzipped labels).
    private func folder() -> URL {
        let root = F.temporaryDirectory()
        F.write(F.idxImages(6), to: root.appendingPathComponent("mnist/t10k-images-idx3-ubyte"))
        F.write(Zlib.deflate(F.idxLabels([3, 1, 4, 1, 5, 9]), format: .gzip),
                to: root.appendingPathComponent("mnist/t10k-labels-idx1-ubyte.gz"))
        return root
    }

    @Test func byteBatchesEqualTheFloat32Images() throws {
        let root = folder()
        defer { F.cleanUp(root) }
        let locator = F.offlineLocator(data: root, cache: root.appendingPathComponent("cache"))
        for (normalize, flatten) in [(true, false), (true, true), (false, true)] {
            let bytes = try MNIST.loadBytes(split: .test, normalize: normalize, flatten: flatten, locator: locator)
            let floats = try MNIST.load(split: .test, normalize: normalize, flatten: flatten, locator: locator)
            #expect(bytes.images.shape == floats.images.shape)
            #expect(bytes.images.scale == (normalize ? 1 / 255 as Float : 1))
            #expect(bytes.labels == [3, 1, 4, 1, 5, 9] && bytes.labels == floats.labels)
            let indices = [5, 0, 2, 2]
            #expect(bytes.images.batch(indices).scalars == floats.images[indices].scalars)
            #expect(bytes.images.batch(1..<4).scalars == floats.images[1..<4].scalars)
            #expect(bytes.floats().images.scalars == floats.images.scalars)
        }
        let first = try MNIST.loadBytes(split: .test, locator: locator).prefix(2)
        #expect(first.count == 2 && first.images.shape == [2, 784] && first.labels == [3, 1])
        // Pixel (i, p) of the fixture is (i + p) mod 256: image 1, pixel 254 is 255 → 1.0.
        #expect(first.images.batch([1]).scalars[254] == 1)
    }

    @Test(.enabled(if: DataIOFixtures.hasShared("fashion-mnist/t10k-images-idx3-ubyte.gz")))
    func realFashionTestSetMatches() throws {
        let cache = F.temporaryDirectory()
        defer { F.cleanUp(cache) }
        let locator = F.offlineLocator(data: F.sharedData, cache: cache)
        let bytes = try MNIST.loadBytes(.fashionMNIST, split: .test, flatten: false, locator: locator)
        let floats = try MNIST.load(.fashionMNIST, split: .test, flatten: false, locator: locator)
        #expect(bytes.images.shape == [10000, 1, 28, 28] && bytes.images.bytes.count == 7_840_000)
        let indices = [0, 9999, 1234, 0]
        #expect(bytes.images.batch(indices).scalars == floats.images[indices].scalars)
        #expect(bytes.images.batch(9900..<10000).scalars == floats.images[9900..<10000].scalars)
    }
}
