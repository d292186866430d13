#if MPI
import Foundation
import Kiso
import KisoNN

/// Data-parallel training over MPI: implements ``DataParallelCoordinator`` by summing the
/// ranks' weighted gradients in buckets with non-blocking allreduce.
///
/// As backward reports each finished gradient `g`, `w·g` (`w` = this rank's share of the
/// global batch) is copied into the current bucket; when the bucket holds `bucketCapacity`
/// floats its `MPI_Iallreduce` starts, while backward goes on with the layers below (a thread
/// of ``MPIBackgroundProgress`` keeps it moving meanwhile). A
/// gradient of `bucketCapacity` floats or more is scaled and summed where it is, with no copy
/// in or out. Every report also lets the sums in flight progress.
/// ``finishGradientReduction(localLoss:)`` starts the last bucket, waits for all of them and
/// copies the sums, `Σ_r w_r·g_r` (the global-batch mean), back into the gradients. Every rank
/// reports the same parameters in the same order, so the buckets match across ranks.
///
/// Batch normalization's running averages (the network's buffers) are updated by each rank
/// from its own batch statistics, then replaced by their weighted mean over the ranks after
/// every step, which equals the running average of the global batch's means; so the
/// buffers, like the weights, are the same on every rank.
///
/// The last bucket also carries two more numbers, this rank's weighted loss and whether
/// ``localStopRequest`` is raised on this rank, so the ranks learn the global batch's loss and
/// whether any of them was asked to stop (Ctrl-C, SIGUSR1) without collectives of their own:
/// the result of ``finishGradientReduction(localLoss:)`` and ``stopRequestedByAnyRank``.
public final class MPIGradientAverager: DataParallelCoordinator {
    /// The job's processes.
    public let communicator: MPICommunicator
    /// The network whose buffers are averaged after each step.
    public let network: any Network
    /// Floats per bucket (a larger parameter gets a bucket of its own).
    public let bucketCapacity: Int
    /// Whether this rank has been asked to stop; sent with every step's last bucket.
    public var localStopRequest: (() -> Bool)?
    /// Whether any rank had been asked to stop when the last step's gradients were summed
    /// (the same on every rank).
    public private(set) var stopRequestedByAnyRank = false

    private var localWeight: Float = 1
    private var buckets: [GradientBucket] = []
    private var filling = 0
    private let sums: MPIBackgroundProgress
    /// The parameters whose tensors are being summed in place (kept alive until the sums end).
    private var inPlace: [Parameter] = []
    /// An error from starting or progressing a sum inside ``parameterGradientReady(name:parameter:)``
    /// (which cannot throw), rethrown by ``finishGradientReduction(localLoss:)``.
    private var deferredError: (any Error)?

    /// An averager over `communicator` for `network`, with buckets of `bucketCapacity`
    /// floats (default 2¹⁸, 1 MiB).
    public init(communicator: MPICommunicator, network: any Network, bucketCapacity: Int = 1 << 18) {
        self.communicator = communicator
        self.network = network
        self.bucketCapacity = max(bucketCapacity, 1)
        let poll = ProcessInfo.processInfo.environment["KISO_MPI_POLL_MICROSECONDS"].flatMap { UInt32($0) }
        sums = MPIBackgroundProgress(communicator: communicator, pollInterval: poll ?? 200)
    }

    /// Ends the thread that advances the sums in the background; call before MPI is finalised.
    public func stop() { sums.stop() }

    deinit { for bucket in buckets { bucket.storage.deallocate() } }

    public var rank: Int { communicator.rank }
    public var worldSize: Int { communicator.size }

    /// Broadcasts rank 0's parameters and buffers, in their fixed order.
    public func synchronizeInitialState(_ network: any Network) throws {
        for (_, parameter) in network.parameters + network.buffers {
            try parameter.value.withUnsafeMutableBufferPointer { try communicator.broadcast($0) }
        }
    }

    public func beginStep(localWeight: Float) {
        self.localWeight = localWeight
        filling = 0
        for bucket in buckets { bucket.reset() }
    }

    public func parameterGradientReady(name: String, parameter: Parameter) {
        do {
            try add(parameter, \.gradient)
            try sums.progress()
        } catch {
            deferredError = deferredError ?? error
        }
    }

    public func finishGradientReduction(localLoss: Float) throws -> Float {
        if let error = deferredError {
            deferredError = nil
            throw error
        }
        for (_, buffer) in network.buffers { try add(buffer, \.value) }
        if filling == buckets.count { buckets.append(GradientBucket(capacity: bucketCapacity)) }
        let lossSlot = buckets[filling].appendNumber(localLoss)
        let flag = buckets[filling].appendNumber(localStopRequest?() == true ? 1 : 0)
        let last = filling
        try start(filling)
        try sums.waitAll()
        inPlace.removeAll(keepingCapacity: true)
        for bucket in buckets { bucket.scatter() }
        stopRequestedByAnyRank = buckets[last].storage[flag] > 0
        return buckets[last].storage[lossSlot]
    }

    public func sum(_ values: [Double]) throws -> [Double] {
        try communicator.sum(values)
    }

    /// Appends `localWeight · parameter[keyPath]` to the filling bucket, starting it when full;
    /// a tensor of `bucketCapacity` floats or more is scaled and summed in place instead.
    private func add(_ parameter: Parameter, _ keyPath: ReferenceWritableKeyPath<Parameter, Tensor>) throws {
        let count = parameter[keyPath: keyPath].count
        if count >= bucketCapacity {
            try startInPlace(parameter, keyPath)
            return
        }
        if filling < buckets.count, buckets[filling].used > 0, buckets[filling].used + count > bucketCapacity {
            try start(filling)
        }
        if filling == buckets.count { buckets.append(GradientBucket(capacity: max(bucketCapacity, count))) }
        buckets[filling].grow(to: count)
        buckets[filling].append(parameter, keyPath, weight: localWeight)
        if buckets[filling].used >= bucketCapacity { try start(filling) }
    }

    /// Scales `parameter[keyPath]` by `localWeight` and starts summing it where it lies. The
    /// tensor is neither read nor replaced by anyone until ``finishGradientReduction(localLoss:)``
    /// has waited for the sum, and `inPlace` keeps its owner alive until then.
    private func startInPlace(_ parameter: Parameter, _ keyPath: ReferenceWritableKeyPath<Parameter, Tensor>) throws {
        let weight = localWeight
        let buffer = parameter[keyPath: keyPath].withUnsafeMutableBufferPointer { values in
            if weight != 1 { for i in values.indices { values[i] *= weight } }
            return values
        }
        inPlace.append(parameter)
        try sums.startSum(buffer)
    }

    private func start(_ index: Int) throws {
        try sums.startSum(buckets[index].filled)
        filling = index + 1
    }
}

/// A contiguous float buffer holding several tensors' values for one allreduce, and where
/// each came from.
private final class GradientBucket {
    private(set) var storage: UnsafeMutableBufferPointer<Float>
    private(set) var used = 0
    private var members: [(parameter: Parameter, keyPath: ReferenceWritableKeyPath<Parameter, Tensor>, offset: Int, count: Int)] = []

    init(capacity: Int) {
        storage = .allocate(capacity: capacity)
    }

    /// The part of the buffer in use.
    var filled: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(rebasing: storage[0..<used]) }

    func reset() {
        used = 0
        members.removeAll(keepingCapacity: true)
    }

    /// Makes room for `count` more floats (only an empty bucket ever needs to grow).
    func grow(to count: Int) {
        guard used + count > storage.count else { return }
        let larger = UnsafeMutableBufferPointer<Float>.allocate(capacity: used + count)
        for i in 0..<used { larger[i] = storage[i] }
        storage.deallocate()
        storage = larger
    }

    /// Copies `weight · parameter[keyPath]` to the end of the buffer.
    func append(_ parameter: Parameter, _ keyPath: ReferenceWritableKeyPath<Parameter, Tensor>, weight: Float) {
        let offset = used
        let count = parameter[keyPath: keyPath].withUnsafeBufferPointer { source in
            for i in 0..<source.count { storage[offset + i] = weight * source[i] }
            return source.count
        }
        members.append((parameter, keyPath, offset, count))
        used += count
    }

    /// Appends one number, returning its position.
    func appendNumber(_ value: Float) -> Int {
        grow(to: 1)
        storage[used] = value
        used += 1
        return used - 1
    }

    /// Writes the (summed) buffer back into the tensors it was gathered from.
    func scatter() {
        for member in members {
            member.parameter[keyPath: member.keyPath].withUnsafeMutableBufferPointer { target in
                guard let destination = target.baseAddress, let source = storage.baseAddress else { return }
                destination.update(from: source + member.offset, count: member.count)
            }
        }
    }
}
#endif
