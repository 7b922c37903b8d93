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
