// The hub without sockets (`make bench`'s hub case): in-process members that count what they receive.
//
//   HubBench [--members N] [--messages N] [--threads 1,2] [--repeat N] [--rooms N]
//
// For each thread count T it makes T rooms of N members each, one sender per room, and has the T senders say
// `--messages` messages each at once, one thread per sender. It prints one JSON object: messages/s for each T
// (the median of `--repeat` runs) and their ratio, which shows whether rooms in parallel scale with the cores.
// It then measures what a room costs: `--rooms` rooms with one member and no message, in resident bytes per room
// (the members' share included).
@_spi(Benchmarks) import ChatKitServer
import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var members = 100
    var messages = 100_000
    var threads = [1, 2]
    var repeatCount = 3
    var rooms = 100_000
    var contentBytes = 64

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> Int {
            guard let text = iterator.next(), let value = Int(text), value > 0 else {
                throw BenchError("\(flag) needs a positive integer")
            }
            return value
        }
        while let flag = iterator.next() {
            switch flag {
            case "--members": self.members = try value(flag)
            case "--messages": self.messages = try value(flag)
            case "--repeat": self.repeatCount = try value(flag)
            case "--rooms": self.rooms = try value(flag)
            case "--content-bytes": self.contentBytes = try value(flag)
            case "--threads":
                guard let text = iterator.next() else { throw BenchError("--threads needs a list like 1,2") }
                let counts = text.split(separator: ",").compactMap { Int($0) }
                guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else {
                    throw BenchError("--threads needs a list of positive integers like 1,2, not \(text)")
                }
                self.threads = counts
            default: throw BenchError("unknown argument \(flag)")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Messages per second said by `threads` senders at once, each in a room of its own with `members` members.
func sayRate(threads: Int, options: Options) throws -> Double {
    let chat = InProcessChat()
    var senders: [InProcessMember] = []
    var lastJoiners: [InProcessMember] = []
    for thread in 0..<threads {
        for index in 0..<options.members {
            guard let member = chat.connect("t\(thread)-m\(index)") else { throw BenchError("name taken") }
            member.join("room-\(thread)")
            if index == 0 { senders.append(member) }
            if index == options.members - 1 { lastJoiners.append(member) }
        }
    }
    let content = String(repeating: "x", count: options.contentBytes)
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    let messages = options.messages
    for (thread, sender) in senders.enumerated() {
        done.enter()
        let room = "room-\(thread)"
        let worker = Thread {
            ready.signal()
            go.wait()
            for _ in 0..<messages { sender.say(content, in: room) }
            done.leave()
        }
        worker.start()
    }
    for _ in senders { ready.wait() }
    let started = DispatchTime.now().uptimeNanoseconds
    for _ in senders { go.signal() }
    done.wait()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    // The last member to join each room saw its welcome, joined, history and every message: nothing lost.
    for member in lastJoiners where member.framesReceived != 3 + messages {
        throw BenchError("\(member.name) received \(member.framesReceived) frames, expected \(3 + messages)")
    }
    return Double(messages * threads) / seconds
}

/// Resident memory of this process, in bytes (/proc/self/statm); 0 where there is no /proc.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Resident bytes one room costs: `rooms` rooms with one member each and no message (members join 100 each).
func roomCost(rooms: Int) throws -> Double {
    let perMember = 100
    let chat = InProcessChat(configuration: ServerConfiguration(maxRoomsPerConnection: perMember, maxRooms: rooms))
    let before = residentBytes()
    var members: [InProcessMember] = []
    for index in 0..<(rooms + perMember - 1) / perMember {
        guard let member = chat.connect("m\(index)") else { throw BenchError("name taken") }
        for room in 0..<perMember where index * perMember + room < rooms {
            member.join("r\(index * perMember + room)")
        }
        members.append(member)
    }
    guard chat.roomCount == rooms else { throw BenchError("made \(chat.roomCount) rooms, expected \(rooms)") }
    let cost = Double(residentBytes() - before) / Double(rooms)
    withExtendedLifetime(members) {}
    return cost
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    var rates: [String: Double] = [:]
    for threads in options.threads {
        var runs: [Double] = []
        for _ in 0..<options.repeatCount { runs.append(try sayRate(threads: threads, options: options)) }
        rates[String(threads)] = median(runs)
    }
    var result: [String: Any] = [
        "members": options.members, "messagesPerSender": options.messages, "contentBytes": options.contentBytes,
        "repeat": options.repeatCount, "messagesPerSecond": rates,
    ]
    if let one = rates["1"], let two = rates["2"] { result["ratio2to1"] = two / one }
    result["rooms"] = options.rooms
    result["roomBytes"] = try roomCost(rooms: options.rooms)
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("HubBench: \(error)\n".utf8))
    exit(2)
}
