import Foundation
import KisoData
import Testing

@Suite struct ExperimentCommandTests {
    @Test func optimizerTrajectoriesDrawFourPathsOverContours() throws {
        let out = temporaryFolder()
        let run = runKiso(["experiment", "optimizers-2d", "--out", out.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let svg = try ParsedSVG(contentsOf: out.appendingPathComponent("optimizers-2d.svg"))
        #expect(svg.elements("g", class: "axes").count == 4)
        // The same contour lines (one element per line) under each of the four paths.
        let contours = svg.elements(class: "series contour").count
        #expect(contours >= 4 * 5 && contours % 4 == 0)
        #expect(svg.elements(class: "series line").count == 4)
        let summary = try run.jsonSummary()
        // 30 steps from (−7, 2): 31 points per optimizer.
        for kind in ["sgd", "momentum", "adagrad", "adam"] {
            #expect((summary[kind] as? [[Double]])?.count == 31, "\(kind)")
        }
    }

    @Test func initHistogramsWriteTwelveFiguresOfFiveHistograms() throws {
        let out = temporaryFolder()
        let run = runKiso(["experiment", "init-histograms", "--out", out.path])
        #expect(run.status == 0, "\(run.standardError)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".svg") }
        #expect(files.count == 12)
        let svg = try ParsedSVG(contentsOf: out.appendingPathComponent("init-relu-he.svg"))
        #expect(svg.elements(class: "series histogram").count == 5)
    }

    @Test func optimizersOnDataDrawFourSmoothedCurves() throws {
        let data = SyntheticData(trainCount: 200, testCount: 10)
        let out = temporaryFolder()
        let run = runKiso(["experiment", "optimizers-mnist", "--data", data.root.path, "--dataset", "mnist",
                           "--iterations", "12", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("===========iteration:0==========="))
        let svg = try ParsedSVG(contentsOf: out.appendingPathComponent("optimizers-mnist.svg"))
        #expect(svg.elements(class: "series line").count == 4)
    }

    @Test func initOnDataDrawsThreeCurves() throws {
        let data = SyntheticData(trainCount: 200, testCount: 10)
        let out = temporaryFolder()
        let run = runKiso(["experiment", "init-mnist", "--data", data.root.path, "--dataset", "mnist",
                           "--iterations", "12", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        for label in ["std=0.01:", "Xavier:", "He:"] { #expect(run.standardOutput.contains(label)) }
        let svg = try ParsedSVG(contentsOf: out.appendingPathComponent("init-mnist.svg"))
        #expect(svg.elements(class: "series line").count == 3)
    }

    @Test func batchNormGridHasOneChartPerScaleWithTwoCurves() throws {
        let data = SyntheticData(trainCount: 100, testCount: 10)
        let out = temporaryFolder()
        let run = runKiso(["experiment", "batchnorm", "--data", data.root.path, "--dataset", "mnist", "--train-size", "100",
                           "--epochs", "2", "--scales", "2", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        let svg = try ParsedSVG(contentsOf: out.appendingPathComponent("batchnorm.svg"))
        #expect(svg.elements("g", class: "axes").count == 16)
        #expect(svg.elements(class: "series line").count == 4)  // 2 scales run × (with, without)
    }

    @Test(arguments: [("overfit", "overfit.svg"), ("weight-decay", "weight-decay.svg"), ("dropout", "dropout.svg")])
    func overfittingExperimentsDrawTrainAndTestAccuracy(name: String, file: String) throws {
        let data = SyntheticData(trainCount: 100, testCount: 20)
        let out = temporaryFolder()
        let run = runKiso(["experiment", name, "--data", data.root.path, "--dataset", "mnist", "--train-size", "100",
                           "--epochs", "3", "--out", out.path, "--json", "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try run.jsonSummary()
        #expect((summary["train_accuracy_per_epoch"] as? [Double])?.count == 3)
        let svg = try ParsedSVG(contentsOf: out.appendingPathComponent(file))
        #expect(svg.elements(class: "series line").count == 2)
    }

    @Test func hyperparameterSearchRanksTrialsAndDrawsTheBest() throws {
        let data = SyntheticData(trainCount: 100, testCount: 10)
        let out = temporaryFolder()
        let run = runKiso(["experiment", "hyperparameter-search", "--data", data.root.path, "--dataset", "mnist",
                           "--train-size", "100", "--trials", "3", "--epochs", "2", "--best", "2", "--out", out.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("=========== Hyper-Parameter Optimization Result ==========="))
        #expect(run.standardOutput.contains("Best-2(val acc:"))
        let ranked = try #require(try run.jsonSummary()["ranked"] as? [[String: Double]])
        #expect(ranked.count == 3)
        let accuracies = ranked.compactMap { $0["validation_accuracy"] }
        #expect(accuracies == accuracies.sorted(by: >))
        #expect(ranked.allSatisfy { (1e-6...1e-2).contains($0["learning_rate"] ?? 0) })
        let svg = try ParsedSVG(contentsOf: out.appendingPathComponent("hyperparameter-search.svg"))
        #expect(svg.elements(class: "series line").count == 4)  // 2 best × (validation, train)
    }

    @Test func filtersBeforeAndAfterArePNGGridsOfThirtyFilters() throws {
        let data = SyntheticData(trainCount: 20, testCount: 10)
        let out = temporaryFolder()
        let run = runKiso(["experiment", "filters", "--data", data.root.path, "--dataset", "mnist", "--iterations", "2",
                           "--train-limit", "20", "--scale", "2", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        // 30 tiles of 5×5 at scale 2 in rows of 8 (4 rows), 2 px padding around and between.
        for name in ["filters-before.png", "filters-after.png"] {
            let image = try PNG.read(contentsOf: out.appendingPathComponent(name))
            #expect(image.width == 8 * 10 + 9 * 2, "\(name)")
            #expect(image.height == 4 * 10 + 5 * 2, "\(name)")
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("filter-responses.png").path))
    }

    @Test func misclassifiedGalleryHasOneTilePerMistake() throws {
        let data = SyntheticData(trainCount: 100, testCount: 30)
        let weights = try EvaluateCommandTests.trainedWeights(data)
        let out = temporaryFolder()
        let run = runKiso(["experiment", "misclassified", "--weights", weights.path, "--data", data.root.path,
                           "--count", "5", "--out", out.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("======= misclassified result ======="))
        let summary = try run.jsonSummary()
        let shown = try #require(summary["misclassified"] as? [[String: Int]])
        #expect(shown.allSatisfy { $0["label"] != $0["inference"] })
        if !shown.isEmpty {
            let image = try PNG.read(contentsOf: out.appendingPathComponent("misclassified.png"))
            #expect(image.width > 0 && image.height > 0)
        }
    }

    @Test func halfFloatNeedsConvolutionalWeights() throws {
        let data = SyntheticData(trainCount: 100, testCount: 10)
        let weights = try EvaluateCommandTests.trainedWeights(data)
        let run = runKiso(["experiment", "half-float", "--weights", weights.path, "--data", data.root.path])
        #expect(run.status == 1)
        #expect(run.standardError.contains("half-float needs simple-convnet or deep-convnet weights"))
    }

    @Test(.enabled(if: sharedData != nil, "needs ../shared/data"))
    func halfFloatKeepsTheBookConvNetsAccuracy() throws {
        let root = try #require(sharedData)
        let run = runKiso(["experiment", "half-float", "--weights",
                           root.appendingPathComponent("book-weights/simple_convnet_params.pkl").path,
                           "--data", root.path, "--dataset", "mnist", "--test-limit", "300", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try run.jsonSummary()
        let full = try #require(summary["float32_accuracy"] as? Double)
        let half = try #require(summary["float16_accuracy"] as? Double)
        // float16 keeps 11 significant bits; the book finds no change on 10 000 images. On 300
        // images allow one flipped decision (1/300).
        #expect(abs(full - half) <= 1.0 / 300 + 1e-12)
        #expect(full > 0.95)
    }
}
