import Foundation

/// Writes whole lines to stdout without buffering, so `chatctl listen | jq` sees each line at once.
enum StandardOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
