/// Scenarios too big for the built-in list (every built-in scenario is checked exhaustively by
/// the tests), for the benchmarks and the scale tests.
public enum BenchmarkScenarios {
    /// `scale-4cpu`, the scale issue's benchmark: four CPUs, one mm with four populated pages,
    /// four threads of four operations mixing madvise, migrate, mprotect, sleep and accesses.
    /// Its full exploration takes more than 2 x 10^8 states.
    public static let scale4CPU = """
        cpus 4
        mm A
          map 0-3 write populated
        thread a mm=A cpu=0
          read 0; madvise 1; read 2; migrate 3
        thread b mm=A cpu=1
          read 1; mprotect 0 read; read 3; madvise 2
        thread c mm=A cpu=2
          read 2; migrate 0; read 1; sleep
        thread d mm=A cpu=3
          read 3; madvise 0; read 0; read 1
        """
}
