#if MPI
import Foundation
import Kiso
import KisoNN

/// Data-parallel training over MPI: implements ``DataParallelCoordinator`` with the optimizer's
/// work shared out, as the first stage of ZeRO does: each rank receives the summed gradient of
/// only its part of every bucket, updates only that part, and the ranks then exchange the
/// updated parts.
///
/// As backward reports each finished gradient `g`, it is copied into the current bucket; when the
/// bucket holds `bucketCapacity` floats, its reduce-scatter starts while backward goes on with
/// the layers below (a thread of ``MPIBackgroundProgress`` keeps it moving meanwhile). A gradient
/// of `bucketCapacity` floats or more is a bucket of its own, sent from where it lies. Every rank
/// reports the same parameters in the same order, so the buckets match across ranks, and rank r
/// owns the positions ``DataParallelShare/range(of:rank:worldSize:)`` of each bucket. The
/// reduce-scatter is point-to-point messages
/// (``MPICommunicator/startPartExchange(_:counts:displacements:incoming:tag:)``): each rank sends
/// every other rank that rank's part and adds up the parts it receives, so the work and the
/// traffic are spread evenly. Each gradient is weighted by `w`, this rank's share of the global
/// batch; when every rank's share is the same (`w = 1/N`) the gradients are sent unscaled and only
/// the received part is scaled.
///
/// ``finishGradientReduction(localLoss:)`` waits for the parts and writes their sum,
/// `Σ_r w_r·g_r` (the global-batch mean), into this rank's part of the gradients; the rest of
/// each gradient is left as this rank computed it and is not used. ``applyUpdate(_:to:)`` has the
/// optimizer update the owned elements only (``Optimizer/update(_:elements:)``), then all-gathers
/// the values (`MPI_Iallgatherv`), so that each element comes from the one rank that computed it
/// and the parameters are bit-identical everywhere. Each rank's optimizer state is right only in
/// its own part until ``synchronizeOptimizerState(_:parameters:)`` gathers it the same way (the
/// trainer does so at the end of every epoch and before a checkpoint). Compared with an allreduce
/// of whole gradients, the same amount of data travels (an allreduce is a reduce-scatter and an
/// allgather), but each of N ranks makes 1/N of the optimizer's memory-bound pass.
///
/// Batch normalization's running averages (the network's buffers) are updated by each rank
/// from its own batch statistics, then replaced by their weighted mean over the ranks after
/// every step, which equals the running average of the global batch's means; so the
/// buffers, like the weights, are the same on every rank. They are summed whole
/// (`MPI_Iallreduce`) in a last bucket, which also carries two more numbers: this rank's
/// weighted loss and whether ``localStopRequest`` is raised on this rank, so the ranks learn the
/// global batch's loss and whether any of them was asked to stop (Ctrl-C, SIGUSR1) without
/// collectives of their own: the result of ``finishGradientReduction(localLoss:)`` and
/// ``stopRequestedByAnyRank``.
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
    /// Whether every rank has the same share, so gradients are scaled after summing.
    private var scalesAfterSum = false
    private var buckets: [SharedOutBucket] = []
    private var filling = 0
    /// The buffers (batch normalization's averages), the loss and the stop flag, summed whole.
    private let summed = SummedBucket()
    /// The elements of each parameter whose mean gradient this rank holds after the last
    /// ``finishGradientReduction(localLoss:)``.
    private var ownedElements: [ObjectIdentifier: Range<Int>] = [:]
    private let collectives: MPIBackgroundProgress
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
        collectives = MPIBackgroundProgress(communicator: communicator, pollInterval: poll ?? 200)
    }

    /// Ends the thread that advances the collectives in the background; call before MPI is
    /// finalised.
    public func stop() { collectives.stop() }

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
        scalesAfterSum = localWeight == 1 / Float(worldSize)
        filling = 0
        for bucket in buckets { bucket.reset() }
        summed.reset()
        ownedElements.removeAll(keepingCapacity: true)
    }

    public func parameterGradientReady(name: String, parameter: Parameter) {
        do {
            try add(parameter)
            try collectives.progress()
        } catch {
            deferredError = deferredError ?? error
        }
    }

    public func finishGradientReduction(localLoss: Float) throws -> Float {
        if let error = deferredError {
            deferredError = nil
            throw error
        }
        if filling < buckets.count, buckets[filling].used > 0 { try start(filling) }
        for (_, buffer) in network.buffers { summed.append(buffer, weight: localWeight) }
        let lossSlot = summed.appendNumber(localLoss)
        let flag = summed.appendNumber(localStopRequest?() == true ? 1 : 0)
        let buffers = summed.filled
        try collectives.start { [try $0.startSum(buffers)] }
        try collectives.waitAll()
        let scale: Float = scalesAfterSum ? localWeight : 1
        for bucket in buckets[0..<filling] {
            bucket.storeReceivedPart(scale: scale)
            for (parameter, elements) in bucket.ownedElements() { ownedElements[ObjectIdentifier(parameter)] = elements }
        }
        summed.scatter()
        stopRequestedByAnyRank = summed.storage[flag] > 0
        return summed.storage[lossSlot]
    }

    public func sum(_ values: [Double]) throws -> [Double] {
        try communicator.sum(values)
    }

    /// Updates this rank's part of every parameter, then gathers the other ranks' parts.
    /// - Throws: ``DistributedError/gradientNotReported(_:)`` when a parameter's gradient was not
    ///   reported this step; MPI's errors.
    public func applyUpdate(_ optimizer: Optimizer, to parameters: [(name: String, parameter: Parameter)]) throws {
        let elements = try parameters.map { name, parameter in
            guard let owned = ownedElements[ObjectIdentifier(parameter)] else { throw DistributedError.gradientNotReported(name) }
            return owned
        }
        optimizer.update(parameters, elements: elements)
        try gather { $0.parameter.value.withUnsafeMutableBufferPointer { $0 } }
    }

    /// Gathers every rank's part of the optimizer's per-parameter slots (the parts laid out as
    /// in the last step's buckets), so that the whole state is on every rank.
    public func synchronizeOptimizerState(_ optimizer: Optimizer, parameters: [(name: String, parameter: Parameter)]) throws {
        guard filling > 0 else { return }   // no step since the state was set: it is whole
        let state = optimizer.state
        let slots = Set(state.tensors.keys.compactMap { $0.split(separator: ".", maxSplits: 1).first.map(String.init) })
        guard !slots.isEmpty else { return }
        var tensors = state.tensors
        let names = Dictionary(parameters.map { (ObjectIdentifier($0.parameter), $0.name) }, uniquingKeysWith: { first, _ in first })
        for slot in slots.sorted() {
            for (name, tensor) in tensors where name.hasPrefix(slot + ".") { var t = tensor; t.makeUnique(); tensors[name] = t }
            var pointers: [String: UnsafeMutableBufferPointer<Float>] = [:]
            for key in tensors.keys where key.hasPrefix(slot + ".") { pointers[key] = tensors[key]!.withUnsafeMutableBufferPointer { $0 } }
            try gather { member in
                guard let name = names[ObjectIdentifier(member.parameter)], let slotValues = pointers["\(slot).\(name)"],
                      slotValues.count == member.count else { return nil }
                return slotValues
            }
        }
        try optimizer.load(state: OptimizerState(tensors: tensors, step: state.step))
    }

    /// All-gathers, bucket by bucket, the tensors that `target` gives for the buckets' members
    /// (their values, or an optimizer slot): each rank's owned part goes to every rank. A member
    /// for which `target` gives nothing keeps its tensor and gets zeros sent in its place.
    private func gather(_ target: (SharedOutBucket.Member) -> UnsafeMutableBufferPointer<Float>?) throws {
        for bucket in buckets[0..<filling] {
            let buffer = bucket.prepareGather(target)
            try collectives.start { [try $0.startGather(buffer, counts: bucket.counts, displacements: bucket.displacements)] }
        }
        try collectives.waitAll()
        for bucket in buckets[0..<filling] { bucket.finishGather(target) }
    }

    /// Adds `parameter`'s gradient to the filling bucket, starting it when full; a gradient of
    /// `bucketCapacity` floats or more is a bucket of its own.
    private func add(_ parameter: Parameter) throws {
        let count = parameter.gradient.count
        if filling < buckets.count, buckets[filling].used > 0,
           count >= bucketCapacity || buckets[filling].used + count > bucketCapacity {
            try start(filling)
        }
        if filling == buckets.count { buckets.append(SharedOutBucket(rank: rank, worldSize: worldSize)) }
        let weight: Float = scalesAfterSum ? 1 : localWeight
        if count >= bucketCapacity {
            buckets[filling].sendInPlace(parameter, weight: weight)
        } else {
            buckets[filling].append(parameter, weight: weight)
        }
        if buckets[filling].used >= bucketCapacity { try start(filling) }
    }

    private func start(_ index: Int) throws {
        let bucket = buckets[index]
        let (send, incoming) = bucket.prepareReduction()
        try collectives.start {
            try $0.startPartExchange(send, counts: bucket.counts, displacements: bucket.displacements, incoming: incoming, tag: Int32(index))
        }
        filling = index + 1
    }
}

/// Gradients reduce-scattered together: several small ones copied into one buffer, or one large
/// one sent from its own tensor. Rank r owns the positions
/// ``DataParallelShare/range(of:rank:worldSize:)`` of the whole; the counts and displacements
/// MPI needs stay allocated with the bucket, as MPI requires until the collectives complete.
private final class SharedOutBucket {
    /// A tensor in the bucket: `count` floats at `offset`.
    struct Member {
        let parameter: Parameter
        let offset: Int
        let count: Int
    }

    private let rank: Int
    private let worldSize: Int
    private(set) var members: [Member] = []
    /// Floats in the bucket.
    private(set) var used = 0
    /// The bucket's own buffer (its copies of small gradients, and of values being gathered).
    private var storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    /// The gradient tensor sent in place, when the bucket is one large gradient.
    private var inPlace: UnsafeMutableBufferPointer<Float>?
    /// Where the other ranks' parts for this rank arrive, one after another in rank order.
    private var incoming = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)
    /// What is sent: the bucket's buffer, or the large gradient.
    private var sent = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// Each rank's number of positions, and where its part starts.
    let counts: UnsafeMutablePointer<Int32>
    let displacements: UnsafeMutablePointer<Int32>

    init(rank: Int, worldSize: Int) {
        self.rank = rank
        self.worldSize = worldSize
        counts = .allocate(capacity: worldSize)
        displacements = .allocate(capacity: worldSize)
    }

    deinit {
        storage.deallocate()
        incoming.deallocate()
        counts.deallocate()
        displacements.deallocate()
    }

    /// This rank's positions in the bucket.
    var ownPart: Range<Int> { DataParallelShare.range(of: used, rank: rank, worldSize: worldSize) }

    func reset() {
        used = 0
        members.removeAll(keepingCapacity: true)
        inPlace = nil
    }

    /// Copies `weight · parameter.gradient` to the end of the buffer.
    func append(_ parameter: Parameter, weight: Float) {
        let count = parameter.gradient.count
        reserve(used + count)
        let offset = used
        parameter.gradient.withUnsafeBufferPointer { source in
            if weight == 1 {
                _ = UnsafeMutableBufferPointer(rebasing: storage[offset..<(offset + count)]).initialize(from: source)
            } else {
                for i in 0..<count { storage[offset + i] = weight * source[i] }
            }
        }
        members.append(Member(parameter: parameter, offset: offset, count: count))
        used += count
    }

    /// Makes the (empty) bucket `parameter`'s gradient alone, scaled by `weight` where it lies
    /// and sent from there; `members` keeps the parameter alive until the next step.
    func sendInPlace(_ parameter: Parameter, weight: Float) {
        precondition(used == 0, "a large gradient is a bucket of its own")
        let buffer = parameter.gradient.withUnsafeMutableBufferPointer { values in
            if weight != 1 { for i in values.indices { values[i] *= weight } }
            return values
        }
        inPlace = buffer
        members.append(Member(parameter: parameter, offset: 0, count: buffer.count))
        used = buffer.count
    }

    /// Fills in the counts and displacements and returns what to send and where the other
    /// ranks' parts for this rank arrive.
    func prepareReduction() -> (send: UnsafeMutableBufferPointer<Float>, incoming: UnsafeMutablePointer<Float>) {
        for r in 0..<worldSize {
            let part = DataParallelShare.range(of: used, rank: r, worldSize: worldSize)
            counts[r] = Int32(part.count)
            displacements[r] = Int32(part.lowerBound)
        }
        let needed = Swift.max(1, ownPart.count * (worldSize - 1))
        if incoming.count < needed {
            incoming.deallocate()
            incoming = .allocate(capacity: needed)
        }
        sent = inPlace ?? UnsafeMutableBufferPointer(rebasing: storage[0..<used])
        return (sent, incoming.baseAddress!)
    }

    /// Adds up this rank's part of the bucket, its own values then the other ranks' in rank
    /// order, and writes `scale ·` the sum into the members' gradients where it came from.
    func storeReceivedPart(scale: Float) {
        let own = ownPart
        guard !own.isEmpty else { return }
        let (mine, others) = (sent.baseAddress! + own.lowerBound, incoming.baseAddress!)
        let peers = worldSize - 1
        for member in members {
            let part = member.offset..<(member.offset + member.count)
            let common = part.clamped(to: own)
            guard !common.isEmpty else { continue }
            member.parameter.gradient.withUnsafeMutableBufferPointer { gradient in
                let k = common.lowerBound - own.lowerBound
                addParts(into: gradient.baseAddress! + (common.lowerBound - member.offset), mine + k,
                         others: (0..<peers).map { UnsafePointer(others + $0 * own.count + k) }, count: common.count, scale: scale)
            }
        }
    }

    /// `destination[i] = scale · (mine[i] + others[0][i] + others[1][i] + …)` for `i < count`,
    /// eight at a time (`destination` may be `mine`).
    private func addParts(into destination: UnsafeMutablePointer<Float>, _ mine: UnsafePointer<Float>,
                          others: [UnsafePointer<Float>], count: Int, scale: Float) {
        let factor = SIMD8<Float>(repeating: scale)
        var i = 0
        while i + 8 <= count {
            var sum = UnsafeRawPointer(mine + i).loadUnaligned(as: SIMD8<Float>.self)
            for other in others { sum += UnsafeRawPointer(other + i).loadUnaligned(as: SIMD8<Float>.self) }
            UnsafeMutableRawPointer(destination + i).storeBytes(of: factor * sum, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            var sum = mine[i]
            for other in others { sum += other[i] }
            destination[i] = scale * sum
            i += 1
        }
    }

    /// Each member's elements that lie in this rank's part (possibly empty).
    func ownedElements() -> [(Parameter, Range<Int>)] {
        let own = ownPart
        return members.map { member in
            let common = (member.offset..<(member.offset + member.count)).clamped(to: own)
            return (member.parameter, common.isEmpty ? 0..<0 : (common.lowerBound - member.offset)..<(common.upperBound - member.offset))
        }
    }

    /// The buffer to all-gather `target`'s tensors in: the large tensor itself, or the bucket's
    /// buffer holding this rank's part of each member's tensor.
    func prepareGather(_ target: (Member) -> UnsafeMutableBufferPointer<Float>?) -> UnsafeMutableBufferPointer<Float> {
        if inPlace != nil, let member = members.first, let tensor = target(member) { return tensor }
        reserve(used)
        let own = ownPart
        for member in members {
            let common = (member.offset..<(member.offset + member.count)).clamped(to: own)
            guard !common.isEmpty else { continue }
            let tensor = target(member)
            for i in common { storage[i] = tensor?[i - member.offset] ?? 0 }
        }
        return UnsafeMutableBufferPointer(rebasing: storage[0..<used])
    }

    /// Copies the gathered buffer back into the members' tensors (nothing to do for a large
    /// tensor gathered in place).
    func finishGather(_ target: (Member) -> UnsafeMutableBufferPointer<Float>?) {
        if inPlace != nil, let member = members.first, target(member) != nil { return }
        for member in members {
            guard let tensor = target(member), let destination = tensor.baseAddress, let source = storage.baseAddress else { continue }
            destination.update(from: source + member.offset, count: member.count)
        }
    }

    /// Makes the buffer hold at least `count` floats, keeping what it holds.
    private func reserve(_ count: Int) {
        guard count > storage.count else { return }
        let larger = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(count, 2 * storage.count))
        if used > 0 { _ = larger.initialize(fromContentsOf: storage[0..<used]) }
        storage.deallocate()
        storage = larger
    }
}

/// Tensors and numbers summed whole over the ranks in one buffer (`MPI_Iallreduce`), and where
/// each tensor came from.
private final class SummedBucket {
    private(set) var storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    private var used = 0
    private var members: [(parameter: Parameter, offset: Int, count: Int)] = []

    deinit { storage.deallocate() }

    /// The part of the buffer in use.
    var filled: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(rebasing: storage[0..<used]) }

    func reset() {
        used = 0
        members.removeAll(keepingCapacity: true)
    }

    /// Copies `weight · parameter.value` to the end of the buffer.
    func append(_ parameter: Parameter, weight: Float) {
        let offset = used
        let count = parameter.value.count
        reserve(used + count)
        parameter.value.withUnsafeBufferPointer { source in
            for i in 0..<count { storage[offset + i] = weight * source[i] }
        }
        members.append((parameter, offset, count))
        used += count
    }

    /// Appends one number, returning its position.
    func appendNumber(_ value: Float) -> Int {
        reserve(used + 1)
        storage[used] = value
        used += 1
        return used - 1
    }

    /// Writes the (summed) buffer back into the tensors it was gathered from.
    func scatter() {
        for member in members {
            member.parameter.value.withUnsafeMutableBufferPointer { target in
                guard let destination = target.baseAddress, let source = storage.baseAddress else { return }
                destination.update(from: source + member.offset, count: member.count)
            }
        }
    }

    private func reserve(_ count: Int) {
        guard count > storage.count else { return }
        let larger = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(count, 2 * storage.count, 64))
        if used > 0 { _ = larger.initialize(fromContentsOf: storage[0..<used]) }
        storage.deallocate()
        storage = larger
    }
}
#endif
