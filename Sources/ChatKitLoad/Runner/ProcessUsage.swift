import Foundation

/// CPU time and resident memory of this process, read from /proc (Linux) or getrusage.
enum ProcessUsage {
    private static func read(_ usage: inout rusage) {
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
    }

    /// User plus system CPU seconds used so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        Self.read(&usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// Resident set size now, in bytes (from /proc/self/statm); `nil` where there is no /proc.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Peak resident set size in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        Self.read(&usage)
        #if os(Linux)
        return Int(usage.ru_maxrss) * 1024
        #else
        return Int(usage.ru_maxrss)
        #endif
    }
}
