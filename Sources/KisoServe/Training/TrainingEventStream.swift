import Foundation

/// The progress of a training run, published by the trainer and streamed to browsers as
/// Server-Sent Events (`GET /api/training/events`).
///
/// Every event is kept, so a page opened in the middle of a run first receives the run so far.
/// Publishing never waits for a client.
///
/// ```swift
/// let stream = TrainingEventStream(title: "simple-conv-net on MNIST")
/// stream.publish(iteration: 1, loss: 2.30)
/// stream.publish(epoch: 1, trainAccuracy: 0.91, testAccuracy: 0.92)
/// stream.finish()
/// ```
public final class TrainingEventStream: @unchecked Sendable {
    /// One thing that happened in the run.
    public enum Event: Sendable, Equatable {
        /// The loss of the mini-batch of `iteration` (1-based).
        case iteration(Int, loss: Float)
        /// The accuracies (0…1) measured at the end of `epoch` (1-based).
        case epoch(Int, trainAccuracy: Float, testAccuracy: Float)
        /// The run ended.
        case finished
    }

    /// What is being trained, shown above the curves.
    public let title: String
    private let lock = NSLock()
    private var history: [Event] = []
    private var isFinished = false
    private var subscribers: [UUID: AsyncStream<Event>.Continuation] = [:]

    /// A stream for the run described by `title`.
    public init(title: String) {
        self.title = title
    }

    /// Publishes the loss of one training iteration.
    public func publish(iteration: Int, loss: Float) { publish(.iteration(iteration, loss: loss)) }

    /// Publishes the train and test accuracies at the end of an epoch.
    public func publish(epoch: Int, trainAccuracy: Float, testAccuracy: Float) {
        publish(.epoch(epoch, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy))
    }

    /// Ends the run: clients receive `finished` and their streams end. Later events are ignored.
    public func finish() { publish(.finished) }

    /// Every event so far, in order.
    public var events: [Event] {
        lock.lock()
        defer { lock.unlock() }
        return history
    }

    /// The events so far followed by every later one, ending after `finished`.
    public func subscribe() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        let id = UUID()
        lock.lock()
        for event in history { continuation.yield(event) }
        if isFinished {
            continuation.finish()
        } else {
            subscribers[id] = continuation
        }
        lock.unlock()
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return stream
    }

    private func unsubscribe(_ id: UUID) {
        lock.lock()
        subscribers[id] = nil
        lock.unlock()
    }

    private func publish(_ event: Event) {
        lock.lock()
        guard !isFinished else { lock.unlock(); return }
        history.append(event)
        if event == .finished { isFinished = true }
        let receivers = Array(subscribers.values)
        if isFinished { subscribers = [:] }
        lock.unlock()
        for receiver in receivers {
            receiver.yield(event)
            if event == .finished { receiver.finish() }
        }
    }
}

extension TrainingEventStream.Event {
    /// The event as one Server-Sent Event: `event: loss|accuracy|done` and a JSON `data:` line.
    var serverSentEvent: String {
        let (name, data): (String, String)
        switch self {
        case let .iteration(iteration, loss):
            (name, data) = ("loss", #"{"iteration":\#(iteration),"loss":\#(Self.number(loss))}"#)
        case let .epoch(epoch, train, test):
            (name, data) = ("accuracy", #"{"epoch":\#(epoch),"train":\#(Self.number(train)),"test":\#(Self.number(test))}"#)
        case .finished:
            (name, data) = ("done", "{}")
        }
        return "event: \(name)\ndata: \(data)\n\n"
    }

    /// A JSON number (`null` for NaN or infinity, which JSON cannot write).
    private static func number(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
}
