// Entry point of the `Benchmarks` executable: `swift run -c release Benchmarks parser [options]`.
// Everything lives in `BenchmarkCommand`; this file only hands it the arguments and exits with
// the status it returns (0 success, 1 benchmark error, 2 usage error).

import Glibc

exit(BenchmarkCommand.run(arguments: CommandLine.arguments))
