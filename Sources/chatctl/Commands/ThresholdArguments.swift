import ArgumentParser
import ChatKit
import ChatKitLoad

/// `--threshold 'METRIC OP VALUE'` arguments, read the same way by `run`, `report` and `report merge`.
enum ThresholdArguments {
    /// The rules; the first that does not parse exits with 2, quoting it.
    static func parse(_ texts: [String]) throws -> [Threshold] {
        try texts.map { text in
            switch Threshold.parse(rule: text) {
            case .success(let threshold): return threshold
            case .failure(let error):
                Console.error("chatctl: --threshold \(text): \(error.message)")
                throw ChatctlExitCode.usage
            }
        }
    }
}
