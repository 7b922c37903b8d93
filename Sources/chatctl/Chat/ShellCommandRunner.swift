import Foundation
import NIOConcurrencyHelpers

/// Runs a bot's `--exec` command with `/bin/sh -c` (or any program): the message on stdin, details in the
/// environment, stdout back. Blocking work happens on a Dispatch thread, never on an event loop. A program
/// that outlives its time limit, or whose task is cancelled, is killed (SIGKILL).
enum ShellCommandRunner {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    /// Runs `command` with `/bin/sh -c`.
    static func run(_ command: String, input: String, environment: [String: String], timeoutSeconds: Double) async -> Output {
        await Self.run(
            program: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", command], input: input,
            environment: environment, timeoutSeconds: timeoutSeconds)
    }

    /// Runs `program` with `arguments`; cancelling the calling task kills it.
    static func run(
        program: URL, arguments: [String], input: String, environment: [String: String], timeoutSeconds: Double
    ) async -> Output {
        let running = NIOLockedValueBox<(pid: pid_t?, cancelled: Bool)>((nil, false))
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: Self.runBlocking(
                        program: program, arguments: arguments, input: input, environment: environment,
                        timeoutSeconds: timeoutSeconds, running: running))
                }
            }
        } onCancel: {
            running.withLockedValue { state in
                state.cancelled = true
                if let pid = state.pid { kill(pid, SIGKILL) }
            }
        }
    }

    private static func runBlocking(
        program: URL, arguments: [String], input: String, environment: [String: String], timeoutSeconds: Double,
        running: NIOLockedValueBox<(pid: pid_t?, cancelled: Bool)>
    ) -> Output {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return Output(status: 127, stdout: "", stderr: "cannot start \(program.path): \(error)", timedOut: false)
        }
        let cancelledBeforeStart = running.withLockedValue { state in
            state.pid = process.processIdentifier
            return state.cancelled
        }
        if cancelledBeforeStart { kill(process.processIdentifier, SIGKILL) }
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
        // A program that does not read its stdin makes this write fail (the bot ignores SIGPIPE): that is fine.
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        var timedOut = false
        if group.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            timedOut = true
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            _ = group.wait(timeout: .now() + 2)
        }
        running.withLockedValue { $0.pid = nil }
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData.withLockedValue { $0 }, as: UTF8.self),
            stderr: String(decoding: errData.withLockedValue { $0 }, as: UTF8.self), timedOut: timedOut)
    }
}
