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

    public func lines(_ report: Report) -> [String] {
        var lines = [words.title(report) + " · " + words.period(report) + " · " + words.area(report),
                     words.localizer("report.legend"), words.localizer("report.legend-ages"), ""]
        for table in report.tables {
            lines += self.lines(table)
            lines.append("")
        }
        lines.append(String(repeating: "─", count: 20))
        lines += words.footer(report).map { words.localizer.labelled($0.0, $0.1) }
        return lines
    }

    public func lines(_ table: ReportTable) -> [String] {
        let heading = words.heading(table)
        let header = table.columns.map(words.text)
        let body = table.rows.map { $0.map(words.display) }
        var widths = header.map { DisplayWidth.of($0) }
        for row in body {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        func line(_ cells: [String], figures: [Bool]) -> String {
            cells.indices.map { i in
                let width = i < widths.count ? widths[i] : DisplayWidth.of(cells[i])
                return figures[i] ? TextFit.padLeft(cells[i], to: width) : TextFit.pad(cells[i], to: width)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var lines = [heading]
        lines.append(line(header, figures: header.indices.map { i in i > 0 && table.rows.first.map { i < $0.count && words.isFigure($0[i]) } ?? false }))
        lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        if table.rows.isEmpty { lines.append(words.localizer("report.empty-list")) }
        for (cells, row) in zip(body, table.rows) {
            lines.append(line(cells, figures: row.map(words.isFigure)))
        }
        if let note = table.note { lines.append(words.text(note)) }
        if table.chart { lines += chart(table) }
        return lines
    }

    /// Bars for the first tally column of every row but the totals: the
    /// whole bar is the total, its shaded start the female part.
    func chart(_ table: ReportTable) -> [String] {
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
        var lines = [""]
        for (label, tally) in bars {
            let length = Int((Double(tally.total) / Double(largest) * Double(barWidth)).rounded())
            let female = tally.total > 0 ? Int((Double(tally.female) / Double(tally.total) * Double(length)).rounded()) : 0
            let bar = blocks
                ? String(repeating: "▓", count: female) + String(repeating: "█", count: length - female)
                : String(repeating: "*", count: female) + String(repeating: "#", count: length - female)
            lines.append(TextFit.pad(TextFit.truncateWithEllipsis(label, to: labelWidth), to: labelWidth) + " "
                         + bar + " " + words.localizer.number(tally.total))
        }
        lines.append(words.localizer(blocks ? "report.chart-key" : "report.chart-key-plain"))
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
