import Foundation
import FuzzSupport

// The fuzz target for scenario files (ScenarioParser, LoadPlan).
// A libFuzzer entry point in a fuzz build (.ci/fuzz passes -DFUZZING), a corpus replayer otherwise.

#if FUZZING
/// libFuzzer's entry point: checks one input; a broken invariant aborts, which libFuzzer reports as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenarioTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ScenarioInvariants.check(bytes.map { Data(bytes: $0, count: size) } ?? Data())
    return 0
}
#else
/// Replays the corpus files or directories named on the command line:
/// `FuzzScenario Tests/fuzz/corpus/FuzzScenario`.
@main
enum FuzzScenarioMain {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        CorpusReplayer.run(target: "FuzzScenario", arguments: arguments, check: ScenarioInvariants.check)
    }
}
#endif
