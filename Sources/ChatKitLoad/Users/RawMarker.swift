import NIOCore

/// The marker chatctl puts at the start of every raw-mode payload: who sent it, its number, when it was planned
/// and how late it went out. `chatctl|SENDER|N|GLOBAL|NANOSECONDS|LAG|`. A server may echo it anywhere in a line:
/// ``RawMarkerScanner`` finds it.
struct RawMarker: Equatable {
    var sender: Int
    var senderNumber: Int
    var globalNumber: Int
    /// The planned send time.
    var sentNanoseconds: Int64
    /// How long after `sentNanoseconds` the send actually went out.
    var lagNanoseconds: Int64

    var text: String {
        "chatctl|\(self.sender)|\(self.senderNumber)|\(self.globalNumber)|\(self.sentNanoseconds)|\(self.lagNanoseconds)|"
    }

    init(sender: Int, senderNumber: Int, globalNumber: Int, sentNanoseconds: Int64, lagNanoseconds: Int64 = 0) {
        self.sender = sender
        self.senderNumber = senderNumber
        self.globalNumber = globalNumber
        self.sentNanoseconds = sentNanoseconds
        self.lagNanoseconds = lagNanoseconds
    }

    private static let prefix: [UInt8] = Array("chatctl|".utf8)

    /// Reads the marker at the start of a payload, from its bytes.
    init?(parsing buffer: ByteBuffer) {
        let parsed: (Int64, Int64, Int64, Int64, Int64)? = buffer.withUnsafeReadableBytes { bytes in
            let prefix = RawMarker.prefix
            guard bytes.count > prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix) else { return nil }
            var fields: (Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0)
            var index = prefix.count
            for field in 0..<5 {
                var value: Int64 = 0
                var digits = 0
                // At most 18 digits: 19 nines overflow Int64 (a server's garbage must not crash the generator).
                while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 18 {
                    value = value * 10 + Int64(bytes[index] - 0x30)
                    digits += 1
                    index += 1
                }
                guard digits > 0, index < bytes.count, bytes[index] == 0x7C else { return nil }
                index += 1
                switch field {
                case 0: fields.0 = value
                case 1: fields.1 = value
                case 2: fields.2 = value
                case 3: fields.3 = value
                default: fields.4 = value
                }
            }
            return fields
        }
        guard let (sender, number, global, sent, lag) = parsed, sender <= Int.max, number <= Int.max else { return nil }
        self.init(
            sender: Int(sender), senderNumber: Int(number), globalNumber: Int(global), sentNanoseconds: sent,
            lagNanoseconds: lag)
    }
}
