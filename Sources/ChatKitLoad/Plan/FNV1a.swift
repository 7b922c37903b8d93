/// 64-bit FNV-1a, for plan fingerprints.
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
    mutating func add(_ text: String) {
        for byte in text.utf8 {
            self.value ^= UInt64(byte)
            self.value &*= 0x0000_0100_0000_01B3
        }
        self.value ^= 0xFF
        self.value &*= 0x0000_0100_0000_01B3
    }
}
