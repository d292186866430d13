/// How many kernel threads each process of a data-parallel job should use, so that the ranks
/// sharing a host do not oversubscribe its cores.
public enum ThreadsPerRank {
    /// `KISO_THREADS` when it is set to a positive integer; otherwise the host's cores divided
    /// by the ranks on this host (`OMPI_COMM_WORLD_LOCAL_SIZE`, which Open MPI's `mpirun`
    /// sets), at least 1.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - cores: the host's active processor count.
    public static func count(environment: [String: String], cores: Int) -> Int {
        if let text = environment["KISO_THREADS"], let n = Int(text), n > 0 { return n }
        let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
        return max(1, cores / max(local, 1))
    }
}
