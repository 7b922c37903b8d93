import Foundation
import FuzzSupport

// The fuzz target for the server's HTTP side (pipeline, routes, upgrades).
// A libFuzzer entry point in a fuzz build (.ci/fuzz passes -DFUZZING), a corpus replayer otherwise.

#if FUZZING
/// libFuzzer's entry point: checks one input; a broken invariant aborts, which libFuzzer reports as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    HTTPInvariants.check(bytes.map { Data(bytes: $0, count: size) } ?? Data())
    return 0
}
#else
/// Replays the corpus files or directories named on the command line:
/// `FuzzHTTP Tests/fuzz/corpus/FuzzHTTP`.
@main
enum FuzzHTTPMain {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        CorpusReplayer.run(target: "FuzzHTTP", arguments: arguments, check: HTTPInvariants.check)
    }
}
#endif
