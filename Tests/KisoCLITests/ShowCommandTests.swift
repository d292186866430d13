import Foundation
import KisoData
import Testing

@Suite struct ShowCommandTests {
    @Test func writesTheImageAsAPNGOfTheScaledSize() throws {
        let data = SyntheticData(trainCount: 12, testCount: 10)
        let out = temporaryFolder().appendingPathComponent("digit.png")
        let run = runKiso(["show", "--dataset", "mnist", "--data", data.root.path, "--index", "3",
                           "--scale", "2", "--out", out.path])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("train[3]: label 3"))
        let image = try PNG.read(contentsOf: out)
        #expect(image.width == 56 && image.height == 56)
        // Synthetic image 3 has its bar in rows 8…11: bright there, dark at the top.
        #expect(image[10, 2 * 9] > 150)
        #expect(image[10, 0] < 50)
    }

    @Test func indexPastTheEndIsOneLineError() {
        let data = SyntheticData(trainCount: 12, testCount: 10)
        let run = runKiso(["show", "--dataset", "mnist", "--data", data.root.path, "--split", "test", "--index", "10"])
        #expect(run.status == 1)
        #expect(run.standardError == "Error: --index 10 is past the end: MNIST's test set has 10 images (0…9)\n")
    }

    @Test func negativeIndexIsRejected() {
        let run = runKiso(["show", "--index=-1"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("--index must be 0 or more"))
    }
}
