import Foundation
import CaseDomain
import KhmerText
import Localization

/// A report's words in one language: headings, labels, figures ("1,468
/// (493)" with Khmer digits in Khmer), the period and area, and the footer.
/// Every writer (screen, text, Markdown, CSV, XLSX) takes its words here,
/// so the formats never disagree.
public struct ReportWords: Sendable {
    public let localizer: Localizer

    public init(_ localizer: Localizer) { self.localizer = localizer }

    public func text(_ text: ReportText) -> String {
        switch text {
        case .key(let key): localizer(key)
        case .literal(let literal): literal
        case .digits(let text): localizer.digitsForDisplay(text)
        case .names(let km, let latin): localizer.language == .km && !km.isEmpty ? km : latin
        case .list(let items): items.map { self.text($0) }.joined(separator: "; ")
        case .date(let day): date(day)
        }
    }

    /// A cell as shown on screen and in text: tallies as "1,468 (493)".
    public func display(_ cell: ReportCell) -> String {
        switch cell {
        case .text(let t): return text(t)
        case .tally(let tally): return localizer.number(tally.total) + " (" + localizer.number(tally.female) + ")"
        case .count(let n): return localizer.number(n)
        case .days(let days): return days.map(self.days) ?? "—"
        case .share(let part, let whole): return share(part: part, whole: whole)
        }
    }

    func days(_ value: Double) -> String {
        localizer.digitsForDisplay(value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value))
    }

    func share(part: Int, whole: Int) -> String {
        guard whole > 0 else { return "—" }
        let percent = Double(part) * 100 / Double(whole)
        return localizer.digitsForDisplay(String(format: "%.0f", percent)) + "%"
    }

    /// Whether a cell's text lines up on the right (figures do).
    public func isFigure(_ cell: ReportCell) -> Bool {
        if case .text = cell { return false }
        return true
    }

    /// A table's title, with the full count of a list that prints only
    /// its first rows: "Open cases with no contact… · 634 (307)".
    public func heading(_ table: ReportTable) -> String {
        text(table.title) + (table.summary.map { " · " + display(.tally($0)) } ?? "")
    }

    public func title(_ report: Report) -> String {
        localizer(report.request.kind.labelKey)
    }

    /// "October 2026", "2026 Q3", "2026", or "1 Jan 2026 – 30 Jun 2026".
    public func period(_ period: ReportPeriod) -> String {
        let name = period.description
        if name.count == 4 { return localizer.digitsForDisplay(name) }
        if name.count == 7, name.contains("Q") {
            return localizer("report.quarter", localizer.digitsForDisplay(String(name.suffix(1))),
                             localizer.digitsForDisplay(String(name.prefix(4))))
        }
        if name.count == 7 {
            return localizer("month.\(period.start.month)") + " " + localizer.digitsForDisplay(String(period.start.year))
        }
        return date(period.start) + " – " + date(period.end)
    }

    /// The report's period, saying so when it has not ended yet:
    /// "Dec 2026 (to 4 Dec 2026)".
    public func period(_ report: Report) -> String {
        let made = LocalDate(iso: String(report.madeAt.prefix(10)))
        guard let made, made < report.request.period.end else { return period(report.request.period) }
        return localizer("report.period-so-far", period(report.request.period), date(made))
    }

    public func date(_ date: LocalDate) -> String {
        localizer.longDate(year: date.year, month: date.month, day: date.day)
    }

    /// The area counted: the whole office, a place, or at head office one
    /// office (and a place within it).
    public func area(_ report: Report) -> String {
        let name = localizer.language == .km && !report.areaNameKm.isEmpty ? report.areaNameKm : report.areaNameLatin
        let place = report.request.area.isOffice ? nil
            : name + " (" + localizer.digitsForDisplay(report.request.area.code) + ")"
        guard !report.officeName.isEmpty else {
            return place ?? localizer(report.everyOffice ? "reports.every-office" : "report.area.office")
        }
        return ([localizer("report.area.one-office", report.officeName)] + [place].compactMap { $0 }).joined(separator: "; ")
    }

    /// When the report was made, as dates are written elsewhere ("7 Dec
    /// 2026 14:30"; in Khmer with its month and digits).
    func madeAt(_ report: Report) -> String {
        guard let day = LocalDate(iso: String(report.madeAt.prefix(10))) else {
            return localizer.digitsForDisplay(report.madeAt)
        }
        let time = report.madeAt.dropFirst(10).trimmingCharacters(in: .whitespaces)
        return date(day) + (time.isEmpty ? "" : " " + localizer.digitsForDisplay(time))
    }

    /// The footer's lines: organisation, period, area, age bands, who made
    /// it and when, and the audit seal.
    public func footer(_ report: Report) -> [(String, String)] {
        [
            (localizer("report.footer.organisation"), report.organisation),
            (localizer("report.footer.period"), period(report)),
            (localizer("report.footer.area"), area(report)),
            (localizer("report.footer.age-bands"), localizer(report.request.ageBands.labelKey)),
            (localizer("report.footer.made"), localizer("report.footer.made-by", madeAt(report), report.madeBy)),
            (localizer("report.footer.seal"), report.auditSeal),
        ]
    }

    /// The whole table's heading cells, and one more for each tally column
    /// when figures are split into total and female (CSV, XLSX).
    func splitHeadings(_ table: ReportTable) -> [String] {
        table.columns.indices.flatMap { i -> [String] in
            let heading = text(table.columns[i])
            return isTallyColumn(table, i) ? [heading, localizer("report.column.female-of", heading)] : [heading]
        }
    }

    func isTallyColumn(_ table: ReportTable, _ i: Int) -> Bool {
        table.rows.contains { row in
            guard i < row.count, case .tally = row[i] else { return false }
            return true
        }
    }
}

/// A cell's value for a spreadsheet: a number where it is one, else text.
enum SheetValue: Equatable {
    case number(Double)
    case text(String)
    case empty
}

extension ReportWords {
    /// A row's cells with each tally split into total and female, numbers
    /// as numbers (Western digits: spreadsheets compute with them).
    func splitValues(_ table: ReportTable, _ row: [ReportCell]) -> [SheetValue] {
        row.indices.flatMap { i -> [SheetValue] in
            switch row[i] {
            case .text(let t):
                let value = text(t)
                return isTallyColumn(table, i) ? [.text(value), .empty] : [value.isEmpty ? .empty : .text(value)]
            case .tally(let tally): return [.number(Double(tally.total)), .number(Double(tally.female))]
            case .count(let n): return [.number(Double(n))]
            case .days(let days): return [days.map(SheetValue.number) ?? .empty]
            case .share(let part, let whole):
                return [whole > 0 ? .number((Double(part) * 1000 / Double(whole)).rounded() / 10) : .empty]
            }
        }
    }
}

/// The files a report can be written as, known by their endings.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, csv, xlsx, md

    /// The format a file name's ending asks for (.txt, .csv, .xlsx, .md);
    /// nil for any other ending.
    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "txt": self = .text
        case "csv": self = .csv
        case "xlsx": self = .xlsx
        case "md": self = .md
        default: return nil
        }
    }

    /// The report in this format.
    public func data(_ report: Report, _ words: ReportWords) throws -> Data {
        switch self {
        case .text: Data((TextReport(words: words).lines(report).joined(separator: "\n") + "\n").utf8)
        case .csv: DelimitedReport.csv(report, words)
        case .md: DelimitedReport.markdown(report, words)
        case .xlsx: try XLSXReport.workbook(report, words)
        }
    }
}
