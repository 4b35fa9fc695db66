import CaseDomain
import KhmerText

/// A report as plain lines of text: each table with its columns padded to
/// their widest cell (by display width, so Khmer lines up), its note, and a
/// bar chart where the table asks for one; then the footer. The screen
/// shows these lines and scrolls them both ways; `komar report
/// --format text` prints them.
public struct TextReport: Sendable {
    public let words: ReportWords
    /// Block characters for bars, or '#' where the terminal cannot show them.
    public let blocks: Bool
    /// How wide a chart may be.
    public let chartWidth: Int

    public init(words: ReportWords, blocks: Bool = true, chartWidth: Int = 78) {
        self.words = words
        self.blocks = blocks
        self.chartWidth = chartWidth
    }

    /// A line of the report, and how many of its first columns hold a
    /// table's row label (0 outside tables): the screen keeps those in
    /// place when it scrolls a wide table sideways. `columnStarts` are
    /// where the table's other columns begin, so it scrolls by whole
    /// columns, never showing the tail of a number.
    public struct Line: Sendable, Equatable {
        public let text: String
        public let labelWidth: Int
        public var columnStarts: [Int] = []
    }

    public func lines(_ report: Report) -> [String] { labelledLines(report).map(\.text) }

    public func labelledLines(_ report: Report) -> [Line] {
        var lines = [words.title(report) + " · " + words.period(report) + " · " + words.area(report),
                     words.localizer("report.legend"), words.localizer("report.legend-ages"), ""]
            .map { Line(text: $0, labelWidth: 0) }
        for table in report.tables {
            lines += labelledLines(table)
            lines.append(Line(text: "", labelWidth: 0))
        }
        lines.append(Line(text: String(repeating: "─", count: 20), labelWidth: 0))
        lines += words.footer(report).map { Line(text: words.localizer.labelled($0.0, $0.1), labelWidth: 0) }
        return lines
    }

    public func lines(_ table: ReportTable) -> [String] { labelledLines(table).map(\.text) }

    func labelledLines(_ table: ReportTable) -> [Line] {
        let heading = words.heading(table)
        let header = table.columns.map(words.text)
        let body = table.rows.map { $0.map(words.display) }
        var widths = header.map { DisplayWidth.of($0) }
        for row in body {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        // The row's label is its leading columns of words (a service and its provider), up to the first figure;
        // in a list of records (cases with no contact), its first column, the record's code.
        let labels = table.summary != nil ? 1 : table.rows.first.map { row in row.prefix(while: { !words.isFigure($0) }).count } ?? 1
        let labelColumns = widths.count > 1 ? max(1, min(labels, widths.count - 1)) : 0
        let labelWidth = widths.prefix(labelColumns).reduce(0) { $0 + $1 + 2 }
        let starts = widths.indices.dropFirst(labelColumns).map { i in widths.prefix(i).reduce(0) { $0 + $1 + 2 } }
        func line(_ cells: [String], figures: [Bool]) -> Line {
            Line(text: cells.indices.map { i in
                let width = i < widths.count ? widths[i] : DisplayWidth.of(cells[i])
                return figures[i] ? TextFit.padLeft(cells[i], to: width) : TextFit.pad(cells[i], to: width)
            }.joined(separator: "  ").trimmingTrailingSpaces(), labelWidth: labelWidth, columnStarts: starts)
        }
        func plain(_ text: String) -> Line { Line(text: text, labelWidth: 0) }
        var lines = [plain(heading)]
        lines.append(line(header, figures: header.indices.map { i in i > 0 && table.rows.first.map { i < $0.count && words.isFigure($0[i]) } ?? false }))
        lines.append(Line(text: widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "), labelWidth: labelWidth,
                          columnStarts: starts))
        if table.rows.isEmpty { lines.append(plain(words.localizer("report.empty-list"))) }
        for (cells, row) in zip(body, table.rows) {
            lines.append(line(cells, figures: row.map(words.isFigure)))
        }
        if let note = table.note { lines.append(plain(words.text(note))) }
        if table.chart { lines += chart(table) }
        return lines
    }

    /// Bars for the first tally column of every row but the totals: the
    /// whole bar is the total, its shaded start the female part.
    func chart(_ table: ReportTable) -> [Line] {
        let bars: [(String, Tally)] = table.rows.compactMap { row in
            guard case .text(let label)? = row.first, !Self.isTotal(label),
                  let tally = row.lazy.compactMap({ cell -> Tally? in
                      if case .tally(let t) = cell { return t } else { return nil }
                  }).first else { return nil }
            return (words.text(label), tally)
        }
        guard let largest = bars.map(\.1.total).max(), largest > 0 else { return [] }
        let labelWidth = min(24, bars.map { DisplayWidth.of($0.0) }.max() ?? 0)
        let barWidth = max(10, chartWidth - labelWidth - 16)
        var lines = [Line(text: "", labelWidth: 0)]
        for (label, tally) in bars {
            let length = Int((Double(tally.total) / Double(largest) * Double(barWidth)).rounded())
            let female = tally.total > 0 ? Int((Double(tally.female) / Double(tally.total) * Double(length)).rounded()) : 0
            let bar = blocks
                ? String(repeating: "▓", count: female) + String(repeating: "█", count: length - female)
                : String(repeating: "*", count: female) + String(repeating: "#", count: length - female)
            lines.append(Line(text: TextFit.pad(TextFit.truncateWithEllipsis(label, to: labelWidth), to: labelWidth) + " "
                              + bar + " " + words.localizer.number(tally.total), labelWidth: labelWidth + 1))
        }
        lines.append(Line(text: words.localizer(blocks ? "report.chart-key" : "report.chart-key-plain"), labelWidth: 0))
        return lines
    }

    static func isTotal(_ label: ReportText) -> Bool {
        if case .key(let key) = label {
            return key == "report.row.total" || key.hasPrefix("report.row.all-")
        }
        return false
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
