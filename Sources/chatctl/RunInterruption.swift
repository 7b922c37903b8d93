import ChatKit
import ChatKitLoad
import Dispatch
import Foundation

/// SIGINT and SIGTERM during `chatctl run`: the first stops the run (``LoadRunStop``) so that it drains, closes,
/// prints its summary and writes its reports, marked interrupted; a second ends the drain at once.
///
/// It works without a terminal and in a background job: a shell starts a background job with SIGINT ignored,
/// and a process may still take the signal by setting its own disposition. The signals are set to ignored
/// (which also stops the default action, terminate) and read from Dispatch signal sources, whatever their
/// disposition was at start.
final class RunInterruption {
    let stop = LoadRunStop()
    private let sources: [DispatchSourceSignal]

    /// Starts listening; stops listening when released.
    init() {
        let stop = self.stop
        var sources: [DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                switch stop.stop(signal: name) {
                case 1:
                    Console.error(
                        "chatctl: \(name): stopping the run; messages in flight get up to "
                            + "\(Int(LoadRunStop.drainLimitSeconds)) s (\(name) again to stop at once)")
                case 2:
                    Console.error("chatctl: \(name) again: ending the drain now")
                default:
                    break
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in self.sources { source.cancel() }
    }
}
