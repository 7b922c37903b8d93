/// A plain-text table with a header row, columns padded to their widest cell and separated by two
/// spaces: `chatctl admin rooms` and `users` print these.
struct TextTable {
    /// How a column's cells are padded.
    enum Alignment {
        /// Text: padded on the right.
        case left
        /// Numbers: padded on the left, so digits line up.
        case right
    }

    /// One column: its title (printed in the header row) and alignment.
    struct Column {
        var title: String
        var alignment: Alignment = .left
    }

    /// The columns, left to right.
    var columns: [Column]
    /// The rows; each has one cell per column (missing cells print empty, extra cells are ignored).
    var rows: [[String]] = []

    /// The table as lines joined by newlines, without trailing spaces and without a final newline.
    func rendered() -> String {
        let allRows = [self.columns.map(\.title)] + self.rows
        let widths = self.columns.indices.map { column in
            allRows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return allRows.map { row in
            let cells = self.columns.indices.map { column -> String in
                let cell = column < row.count ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return self.columns[column].alignment == .right ? padding + cell : cell + padding
            }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
