import Foundation
import NIOConcurrencyHelpers

/// Runs a bot's `--exec` command with `/bin/sh -c`: the message on stdin, details in the environment,
/// stdout back. Blocking work happens on a Dispatch thread, never on an event loop.
enum ShellCommandRunner {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    static func run(_ command: String, input: String, environment: [String: String], timeoutSeconds: Double) async -> Output {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.runBlocking(command, input: input, environment: environment,
                                                                timeoutSeconds: timeoutSeconds))
            }
        }
    }

    private static func runBlocking(_ command: String, input: String, environment: [String: String],
                                    timeoutSeconds: Double) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return Output(status: 127, stdout: "", stderr: "cannot start /bin/sh: \(error)", timedOut: false)
        }
        // Feed stdin and drain both outputs concurrently so a chatty command never blocks on a full pipe.
        let group = DispatchGroup()
        let outData = NIOLockedValueBox(Data()), errData = NIOLockedValueBox(Data())
        group.enter()
        DispatchQueue.global().async {
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            outData.withLockedValue { $0 = data }
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errData.withLockedValue { $0 = data }
            group.leave()
        }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        var timedOut = false
        if group.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            timedOut = true
            process.terminate()
            _ = group.wait(timeout: .now() + 2)
        }
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData.withLockedValue { $0 }, as: UTF8.self),
            stderr: String(decoding: errData.withLockedValue { $0 }, as: UTF8.self), timedOut: timedOut)
    }
}
