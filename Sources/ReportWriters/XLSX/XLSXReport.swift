import CaseDomain
import Foundation

/// A report as an XLSX workbook: one sheet per table, its heading row
/// frozen, each tally as two number columns (total, female), and the
/// table's title, note and the report's footer under it.
public enum XLSXReport {
    public static func workbook(_ report: Report, _ words: ReportWords) throws -> Data {
        let sheets = report.tables.enumerated().map { i, table -> SpreadsheetML.Sheet in
            var rows: [[SpreadsheetML.Value]] = [words.splitHeadings(table).map { .text($0) }]
            for row in table.rows {
                rows.append(words.splitValues(table, row).map { value in
                    switch value {
                    case .number(let n): .number(n)
                    case .text(let t): .text(t)
                    case .empty: .empty
                    }
                })
            }
            rows.append([])
            rows.append([.text(words.heading(table))])
            if let note = table.note { rows.append([.text(words.text(note))]) }
            rows.append([.text(words.title(report))])
            for (label, value) in words.footer(report) { rows.append([.text(label), .text(value)]) }
            return SpreadsheetML.Sheet(name: "\(i + 1) " + words.text(table.title), rows: rows)
        }
        return try SpreadsheetML.workbook(sheets)
    }
}
