import Foundation
import Kiso
import KisoNN
import Testing
import KisoAutograd

@Suite struct ModelTests {
    @Test func mlpNamesItsParametersLikeTheBook() {
        var generator = RandomGenerator(seed: 1)
        let model = MLP(inputSize: 4, sizes: [5, 3], generator: &generator)
        #expect(model.parameters.map(\.name) == ["W1", "b1", "W2", "b2"])
        #expect(model.parameters.map(\.variable.shape) == [[4, 5], [5], [5, 3], [3]])
        #expect(model(Variable(Tensor.ones([2, 4]))).shape == [2, 3])
    }

    @Test func saveAndLoadRoundTripThroughACheckpoint() throws {
        var generator = RandomGenerator(seed: 2)
        let a = MLP(inputSize: 3, sizes: [4, 2], generator: &generator)
        let b = MLP(inputSize: 3, sizes: [4, 2], generator: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-mlp-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.save(to: url)
        #expect(b.parameters[0].variable.data.scalars != a.parameters[0].variable.data.scalars)
        try b.load(from: url)
        for (p, q) in zip(a.parameters, b.parameters) { #expect(p.variable.data.scalars == q.variable.data.scalars) }
    }

    @Test func loadingAMisshapenCheckpointChangesNothing() throws {
        var generator = RandomGenerator(seed: 3)
        let small = MLP(inputSize: 3, sizes: [4, 2], generator: &generator)
        let large = MLP(inputSize: 3, sizes: [5, 2], generator: &generator)
        let before = large.parameters.map(\.variable.data.scalars)
        #expect(throws: ModelStateError.self) { try large.load(small.stateDict) }
        #expect(large.parameters.map(\.variable.data.scalars) == before)
    }

    @Test func libraryOptimizersUpdateAutogradParametersInPlace() {
        let w = Variable(Tensor([1, 2, 3]))
        let loss = sum(w * w)       // ∂/∂w = 2w
        loss.backward()
        let sgd = SGD(learningRate: 0.1)
        sgd.update([("w", w)])
        #expect(w.data.scalars == [0.8, 1.6, 2.4].map { Float($0) })
        let untouched = Variable(Tensor([5]))
        sgd.update([("u", untouched)])  // no gradient: skipped
        #expect(untouched.data.scalars == [5])
    }

    @Test func dataThatRequiresNoGradGetsNoneAndTheWeightsStillDo() {
        let x = Variable(Tensor([[1, 2]]))
        x.requiresGrad = false
        let (w, b) = (Variable(Tensor([[1], [1]])), Variable(Tensor([0])))
        sum(linear(x, w, b)).backward()
        #expect(x.grad == nil)
        #expect(w.grad!.data.scalars == [1, 2] && b.grad!.data.scalars == [1])
    }

    @Test func dataLoaderCoversEveryIndexOncePerEpochInBatches() {
        let x = Tensor(shape: [7, 1], scalars: (0..<7).map(Float.init))
        let loader = DataLoader(inputs: x, labels: ClassLabels(0..<7), batchSize: 3, seed: 4)
        let batches = Array(loader)
        #expect(batches.map(\.labels.count) == [3, 3, 1])
        #expect(batches.flatMap(\.labels).sorted() == Array(0..<7))
        for batch in batches { #expect(batch.x.scalars.map { Int($0) } == Array(batch.labels)) }
        #expect(Array(loader).flatMap(\.labels) != batches.flatMap(\.labels))   // reshuffled
    }

    @Test func spiralTrainingReachesNinetyPercent() {
        let result = SpiralTraining().run()
        #expect(result.losses.count == 300)
        #expect(result.losses.last! < result.losses.first!)
        #expect(result.accuracy >= 0.9, "accuracy \(result.accuracy)")
    }

    @Test func sinRegressionLossFalls() {
        var setup = SinRegression()
        setup.iterations = 3000
        let result = setup.run()
        #expect(result.reportedLosses.count == 3)
        #expect(result.reportedLosses.last! < 0.5 * result.reportedLosses.first!)
    }

    @Test func rosenbrockDescentHeadsForTheMinimum() {
        let path = Rosenbrock.descend(iterations: 1000)
        #expect(path.first! == (0, 2))
        // DeZero after 1000 steps: x0 ≈ 0.683, x1 ≈ 0.465 (still on its way to (1, 1)).
        #expect(abs(path.last!.x0 - 0.683) < 0.01 && abs(path.last!.x1 - 0.465) < 0.01)
    }
}
