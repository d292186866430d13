import Foundation
import Hummingbird
import HummingbirdTesting
import Kiso
import KisoData
import KisoNN
import KisoServe
import Testing

/// Every route of `kiso serve`, through Hummingbird's in-process test client.
@Suite struct RouteTests {
    typealias F = ServeFixtures

    func withClient(_ server: KisoServer, _ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: server.router()).test(.router, test)
    }

    @Test func thePageAndItsFilesAreServed() async throws {
        try await withClient(F.server()) { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = String(buffer: page.body)
            #expect(html.contains(#"<canvas id="digit""#))
            #expect(html.contains(#"id="prediction""#))
            #expect(!html.contains("http://") && !html.contains("https://"), "the page must work offline")
            let script = try await client.execute(uri: "/app.js", method: .get)
            #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            let style = try await client.execute(uri: "/style.css", method: .get)
            #expect(style.status == .ok && style.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test func modelsListsNamesDataSetsAccuraciesAndLabels() async throws {
        try await withClient(F.server()) { client in
            let response = try await client.execute(uri: "/api/models", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            let models = try #require(object?["models"] as? [[String: Any]])
            #expect(models.map { $0["name"] as? String } == ["conv", "flat"])
            #expect(models.map { $0["dataset"] as? String } == ["mnist", "fashion-mnist"])
            #expect(models[0]["accuracy"] as? Double == 0.5)
            #expect(models[1]["accuracy"] == nil)
            #expect(models.map { $0["convolutional"] as? Bool } == [true, false])
            #expect((models[1]["labels"] as? [String])?[7] == "Sneaker")
            #expect(object?["training"] == nil)
        }
    }

    @Test func aPNGIsPreparedAndClassifiedLikeKisoPredict() async throws {
        let png = F.sevenPNG()
        // kiso predict's code path: PNG → Image.mnistDigit() → tensor v/255 → [1, 1, 28, 28] → softmax.
        let digit = try PNG.decode(png).mnistDigit().tensor()
        let expected = F.convNet().probabilities(digit.reshaped([1, 1, 28, 28])).scalars
        try await withClient(F.server()) { client in
            let response = try await client.execute(uri: "/api/predict", method: .post,
                                                    headers: [.contentType: "image/png"], body: F.buffer(png))
            #expect(response.status == .ok)
            let prediction = try F.prediction(response)
            #expect(prediction.model == "conv")
            #expect(prediction.input == digit.scalars)
            #expect(prediction.probabilities == expected)  // same network, same input, same arithmetic
            #expect(prediction.class == expected.indices.max { expected[$0] < expected[$1] })
            #expect(prediction.label == String(prediction.class))
            #expect(abs(prediction.probabilities.reduce(0, +) - 1) < 1e-5)  // 10 terms, each within 1 ulp
            #expect(prediction.activations == nil)
        }
    }

    @Test func jsonPixelsGiveTheSameAnswerAsThePNGTheyCameFrom() async throws {
        try await withClient(F.server()) { client in
            let fromPNG = try F.prediction(try await client.execute(
                uri: "/api/predict?model=flat", method: .post, headers: [.contentType: "image/png"], body: F.buffer(F.sevenPNG())))
            let fromJSON = try F.prediction(try await client.execute(
                uri: "/api/predict?model=flat", method: .post, headers: [.contentType: "application/json; charset=utf-8"],
                body: F.json(pixels: fromPNG.input)))
            #expect(fromJSON == fromPNG)
            #expect(fromJSON.model == "flat")
            #expect(DatasetName.fashionMNIST.classNames.contains(fromJSON.label))
        }
    }

    @Test func activationsAreTheFirstConvolutionsFiltersAndOutput() async throws {
        let net = F.convNet()
        let w = net.parameter(named: "W1")!.value, b = net.parameter(named: "b1")!.value
        try await withClient(F.server()) { client in
            let response = try await client.execute(uri: "/api/predict?activations=1", method: .post,
                                                    headers: [.contentType: "image/png"], body: F.buffer(F.sevenPNG()))
            let prediction = try F.prediction(response)
            let activations = try #require(prediction.activations)
            #expect(activations.filters.shape == [4, 1, 5, 5])
            #expect(activations.filters.values == w.scalars)
            #expect(activations.maps.shape == [4, 24, 24])
            // The map of filter f at (i, j) is b[f] + Σ W[f, 0, u, v] · x[i + u, j + v] (stride 1, no padding).
            let x = prediction.input
            for (f, i, j) in [(0, 3, 5), (2, 10, 12), (3, 23, 23)] {
                var sum = b.scalars[f]
                for u in 0..<5 { for v in 0..<5 { sum += w.scalars[f * 25 + u * 5 + v] * x[(i + u) * 28 + j + v] } }
                let got = activations.maps.values[f * 576 + i * 24 + j]
                // 25 products of |w| ≤ ~0.4 and x ≤ 1, summed in another order: float32 error ≪ 1e-5.
                #expect(abs(got - sum) < 1e-5, "map \(f) at (\(i), \(j)): \(got) vs \(sum)")
            }
            // A fully connected network has no filters to show.
            let flat = try F.prediction(try await client.execute(
                uri: "/api/predict?model=flat&activations=1", method: .post, headers: [.contentType: "image/png"],
                body: F.buffer(F.sevenPNG())))
            #expect(flat.activations == nil)
        }
    }

    @Test func unknownPathsAndModelsAre404() async throws {
        try await withClient(F.server()) { client in
            let page = try await client.execute(uri: "/nowhere", method: .get)
            #expect(page.status == .notFound)
            #expect(try F.errorMessage(page).contains("/nowhere"))
            let model = try await client.execute(uri: "/api/predict?model=nope", method: .post,
                                                 headers: [.contentType: "image/png"], body: F.buffer(F.sevenPNG()))
            #expect(model.status == .notFound)
            #expect(try F.errorMessage(model) == "no model is called nope")
            let training = try await client.execute(uri: "/api/training/events", method: .get)
            #expect(training.status == .notFound)
        }
    }

    @Test func aKnownPathAskedWithTheWrongMethodIs405() async throws {
        try await withClient(F.server()) { client in
            let get = try await client.execute(uri: "/api/predict", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect(try F.errorMessage(get).contains("POST"))
            let post = try await client.execute(uri: "/api/models", method: .post)
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET")
            let delete = try await client.execute(uri: "/", method: .delete)
            #expect(delete.status == .methodNotAllowed)
        }
    }

    @Test(arguments: [
        ("image/png", Array("not a png".utf8), "not a readable PNG"),
        ("image/png", Array(ServeFixtures.sevenPNG().prefix(60)), "not a readable PNG"),
        ("application/json", Array("{\"pixels\": [1, 2".utf8), "not JSON"),
        ("application/json", Array("{\"pixels\": [0.5]}".utf8), "holds 1 numbers"),
        ("application/json", Array("{\"pixel\": []}".utf8), "not JSON"),
    ])
    func badBodiesAre400(contentType: String, body: [UInt8], message: String) async throws {
        try await withClient(F.server()) { client in
            let response = try await client.execute(uri: "/api/predict", method: .post,
                                                    headers: [.contentType: contentType], body: F.buffer(body))
            #expect(response.status == .badRequest)
            #expect(try F.errorMessage(response).contains(message))
        }
    }

    @Test func pixelsOutsideZeroToOneAre400() async throws {
        var values = [Float](repeating: 0, count: 784)
        values[100] = 1.5
        let pixels = values
        try await withClient(F.server()) { client in
            let response = try await client.execute(uri: "/api/predict", method: .post,
                                                    headers: [.contentType: "application/json"], body: F.json(pixels: pixels))
            #expect(response.status == .badRequest)
            #expect(try F.errorMessage(response) == "pixels[100] = 1.5 is outside 0…1")
        }
    }

    @Test func otherContentTypesAre415() async throws {
        try await withClient(F.server()) { client in
            let text = try await client.execute(uri: "/api/predict", method: .post,
                                                headers: [.contentType: "text/plain"], body: ByteBuffer(string: "7"))
            #expect(text.status == .unsupportedMediaType)
            #expect(try F.errorMessage(text).contains("text/plain"))
            let none = try await client.execute(uri: "/api/predict", method: .post, body: F.buffer(F.sevenPNG()))
            #expect(none.status == .unsupportedMediaType)
        }
    }

    @Test func bodiesOverOneMegabyteAre413WithOrWithoutALength() async throws {
        let big = ByteBuffer(repeating: 0, count: KisoServer.maximumBodySize + 1)
        try await withClient(F.server()) { client in
            let stated = try await client.execute(
                uri: "/api/predict", method: .post,
                headers: [.contentType: "image/png", .contentLength: String(big.readableBytes)], body: big)
            #expect(stated.status == .contentTooLarge)
            #expect(try F.errorMessage(stated).contains("1048576"))
            // Without Content-Length the body is read up to the limit, then refused.
            let unstated = try await client.execute(uri: "/api/predict", method: .post,
                                                    headers: [.contentType: "image/png"], body: big)
            #expect(unstated.status == .contentTooLarge)
            #expect(try F.errorMessage(unstated).contains("1048576"))
        }
    }

    @Test func theServerAnswersNormallyAfterEveryKindOfError() async throws {
        try await withClient(F.server()) { client in
            _ = try await client.execute(uri: "/x", method: .get)
            _ = try await client.execute(uri: "/api/predict", method: .get)
            _ = try await client.execute(uri: "/api/predict", method: .post, headers: [.contentType: "image/png"],
                                         body: ByteBuffer(string: "junk"))
            _ = try await client.execute(uri: "/api/predict", method: .post, headers: [.contentType: "text/csv"])
            _ = try await client.execute(uri: "/api/predict", method: .post, headers: [.contentType: "image/png"],
                                         body: ByteBuffer(repeating: 1, count: 2 << 20))
            let ok = try await client.execute(uri: "/api/predict", method: .post, headers: [.contentType: "image/png"],
                                              body: F.buffer(F.sevenPNG()))
            #expect(ok.status == .ok)
        }
    }

    @Test func twoModelsWithOneNameAreRefused() throws {
        let models = F.models()
        #expect(throws: ServeError.self) { try KisoServer(models: [models[0], models[0]]) }
    }
}
