/// Why data-parallel training could not start or go on.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// This build of Kiso has no MPI (it was built without the package trait `MPI`).
    case notBuilt
    /// An MPI call returned an error code (only possible with a non-fatal error handler).
    case mpi(call: String, message: String)
    /// A parameter given to the update had no gradient reported in the step (a network whose
    /// backward skips a parameter cannot train data-parallel).
    case gradientNotReported(String)

    public var description: String {
        switch self {
        case .notBuilt:
            "this kiso was built without MPI; rebuild with `swift build -c release --traits MPI` (needs Open MPI, see docs/DISTRIBUTED.md)"
        case let .mpi(call, message):
            "\(call) failed: \(message)"
        case let .gradientNotReported(name):
            "the gradient of parameter \(name) was not reported during backward, so it was not averaged over the ranks"
        }
    }
}
