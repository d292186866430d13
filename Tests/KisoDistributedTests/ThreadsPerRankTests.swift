import Testing
import KisoDistributed

@Suite struct ThreadsPerRankTests {
    @Test func dividesTheCoresAmongTheRanksOnTheHost() {
        #expect(ThreadsPerRank.count(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "2"], cores: 8) == 4)
        #expect(ThreadsPerRank.count(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "4"], cores: 2) == 1)
        #expect(ThreadsPerRank.count(environment: [:], cores: 6) == 6)
    }

    @Test func kisoThreadsOverrides() {
        #expect(ThreadsPerRank.count(environment: ["KISO_THREADS": "3", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"], cores: 2) == 3)
        #expect(ThreadsPerRank.count(environment: ["KISO_THREADS": "0", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"], cores: 4) == 2)
    }
}
