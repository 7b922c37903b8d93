/// The `scenario.shard` field of a report, read as the set of shards the report covers: `"2/3"` is shard
/// 2 of 3, `"1/3+2/3"` (a partial merge) shards 1 and 2 of 3. Absent, or any other text, means the
/// report covers every user (a whole run, or a merge of whole runs).
struct ShardLabel: Equatable {
    /// 1-based shard numbers.
    var indexes: Set<Int>
    var count: Int

    init?(_ text: String?) {
        guard let text, !text.isEmpty else { return nil }
        var indexes: Set<Int> = []
        var count: Int?
        for part in text.split(separator: "+", omittingEmptySubsequences: false) {
            let numbers = part.split(separator: "/", omittingEmptySubsequences: false)
            guard numbers.count == 2, let index = Int(numbers[0]), let total = Int(numbers[1]),
                total >= 1, (1...total).contains(index), count == nil || count == total
            else { return nil }
            count = total
            indexes.insert(index)
        }
        guard let count else { return nil }
        self.indexes = indexes
        self.count = count
    }

    init(indexes: Set<Int>, count: Int) {
        self.indexes = indexes
        self.count = count
    }

    var isComplete: Bool { self.indexes.count == self.count }

    /// `1/3+2/3`, in shard order.
    var text: String { self.indexes.sorted().map { "\($0)/\(self.count)" }.joined(separator: "+") }
}
