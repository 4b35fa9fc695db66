import CaseDomain
import CaseStore
import Foundation

/// A register's table as a plain spreadsheet: one heading row, then one
/// row per record. CSV has a byte-order mark and defused formulas; XLSX
/// has one sheet with the heading row frozen. Counts stay numbers.
public enum RegisterWriter {
    public static func csv(_ table: ReportTable, _ words: ReportWords) -> Data {
        var text = CSV.byteOrderMark + CSV.line(table.columns.map(words.text))
        for row in table.rows { text += CSV.line(row.map { plain($0, words) }) }
        return Data(text.utf8)
    }

    public static func xlsx(_ table: ReportTable, _ words: ReportWords) throws -> Data {
        let rows: [[SpreadsheetML.Value]] = [table.columns.map { .text(words.text($0)) }] + table.rows.map { row in
            row.map { cell in
                if case .count(let n) = cell { return .number(Double(n)) }
                let text = plain(cell, words)
                return text.isEmpty ? .empty : .text(text)
            }
        }
        return try SpreadsheetML.workbook([SpreadsheetML.Sheet(name: words.text(table.title), rows: rows)])
    }

    /// A cell's text for a file: numbers in Western digits whatever the
    /// language, so spreadsheets can compute with them.
    static func plain(_ cell: ReportCell, _ words: ReportWords) -> String {
        switch cell {
        case .count(let n): String(n)
        case .text(let text): words.text(text)
        default: words.display(cell)
        }
    }
}
