import Foundation
import Hummingbird
import HummingbirdTesting
import KisoServe
import Testing

/// The training run's events: kept, replayed to late subscribers, streamed as Server-Sent Events.
@Suite struct TrainingEventStreamTests {
    typealias F = ServeFixtures

    @Test func aLateSubscriberGetsTheRunSoFarThenWhatFollows() async throws {
        let stream = TrainingEventStream(title: "test run")
        stream.publish(iteration: 1, loss: 2.3)
        let events = stream.subscribe()
        stream.publish(epoch: 1, trainAccuracy: 0.5, testAccuracy: 0.25)
        stream.finish()
        stream.publish(iteration: 2, loss: 1.0)  // after finish: ignored
        var received: [TrainingEventStream.Event] = []
        for await event in events { received.append(event) }
        #expect(received == [.iteration(1, loss: 2.3), .epoch(1, trainAccuracy: 0.5, testAccuracy: 0.25), .finished])
        #expect(stream.events == received)
    }

    @Test func subscribingToAFinishedRunReplaysItAndEnds() async throws {
        let stream = TrainingEventStream(title: "done")
        stream.publish(iteration: 1, loss: 1)
        stream.finish()
        var count = 0
        for await _ in stream.subscribe() { count += 1 }
        #expect(count == 2)
    }

    @Test func theEventsRouteStreamsServerSentEvents() async throws {
        let stream = TrainingEventStream(title: "two-layer on MNIST")
        stream.publish(iteration: 1, loss: 2.5)
        stream.publish(iteration: 2, loss: .nan)
        stream.publish(epoch: 1, trainAccuracy: 0.75, testAccuracy: 0.5)
        stream.finish()
        try await Application(router: F.server(training: stream).router()).test(.router) { client in
            let response = try await client.execute(uri: "/api/training/events", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(String(buffer: response.body) == """
                event: loss\ndata: {"iteration":1,"loss":2.5}\n\n\
                event: loss\ndata: {"iteration":2,"loss":null}\n\n\
                event: accuracy\ndata: {"epoch":1,"train":0.75,"test":0.5}\n\n\
                event: done\ndata: {}\n\n
                """)
            let models = try await client.execute(uri: "/api/models", method: .get)
            let object = try JSONSerialization.jsonObject(with: Data(models.body.readableBytesView)) as? [String: Any]
            #expect(object?["training"] as? String == "two-layer on MNIST")
        }
    }

    @Test func eventsPublishedWhileAClientListensReachItLive() async throws {
        let stream = TrainingEventStream(title: "live")
        try await Application(router: F.server(training: stream).router()).test(.live) { client in
            let publisher = Task {
                try await Task.sleep(for: .milliseconds(100))
                for i in 1...3 { stream.publish(iteration: i, loss: Float(i)) }
                stream.finish()
            }
            let response = try await client.execute(uri: "/api/training/events", method: .get)
            try await publisher.value
            let text = String(buffer: response.body)
            #expect(text.components(separatedBy: "event: loss").count == 4)
            #expect(text.hasSuffix("event: done\ndata: {}\n\n"))
        }
    }
}
