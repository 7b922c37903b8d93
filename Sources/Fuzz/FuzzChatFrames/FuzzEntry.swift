import Foundation
import FuzzSupport

// The fuzz target for chat-protocol frames (ClientFrame, ServerFrame).
// A libFuzzer entry point in a fuzz build (.ci/fuzz passes -DFUZZING), a corpus replayer otherwise.

#if FUZZING
/// libFuzzer's entry point: checks one input; a broken invariant aborts, which libFuzzer reports as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChatFramesTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ChatFrameInvariants.check(bytes.map { Data(bytes: $0, count: size) } ?? Data())
    return 0
}
#else
/// Replays the corpus files or directories named on the command line:
/// `FuzzChatFrames Tests/fuzz/corpus/FuzzChatFrames`.
@main
enum FuzzChatFramesMain {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        CorpusReplayer.run(target: "FuzzChatFrames", arguments: arguments, check: ChatFrameInvariants.check)
    }
}
#endif
