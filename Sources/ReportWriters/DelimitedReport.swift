import CaseDomain
import CaseStore
import Foundation

/// A report as CSV (UTF-8 with a byte-order mark, RFC 4180, formulas
/// defused) or as Markdown. In CSV each tally is two columns, total and
/// female, holding plain numbers a spreadsheet can add up.
public enum DelimitedReport {
    public static func csv(_ report: Report, _ words: ReportWords) -> Data {
        var text = CSV.byteOrderMark
        func line(_ cells: [String]) { text += CSV.line(cells) }
        line([words.title(report), words.period(report), words.area(report)])
        for table in report.tables {
            line([])
            line([words.heading(table)])
            line(words.splitHeadings(table))
            for row in table.rows {
                line(words.splitValues(table, row).map { value in
                    switch value {
                    case .number(let n): n == n.rounded() ? String(Int(n)) : String(n)
                    case .text(let t): t
                    case .empty: ""
                    }
                })
            }
            if let note = table.note { line([words.text(note)]) }
        }
        line([])
        for (label, value) in words.footer(report) { line([label, value]) }
        return Data(text.utf8)
    }

    public static func markdown(_ report: Report, _ words: ReportWords) -> Data {
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var text = "# " + words.title(report) + " · " + words.period(report) + " · "
            + words.area(report) + "\n\n" + words.localizer("report.legend") + " " + words.localizer("report.legend-ages") + "\n"
        for table in report.tables {
            text += "\n## " + words.heading(table)
            text += "\n\n| " + table.columns.map { cell(words.text($0)) }.joined(separator: " | ") + " |\n"
            text += "|" + table.columns.indices.map { i in
                words.isTallyColumn(table, i) || (table.rows.first.map { i < $0.count && words.isFigure($0[i]) } ?? false)
                    ? " ---: |" : " --- |"
            }.joined() + "\n"
            for row in table.rows {
                text += "| " + row.map { cell(words.display($0)) }.joined(separator: " | ") + " |\n"
            }
            if let note = table.note { text += "\n" + words.text(note) + "\n" }
        }
        text += "\n---\n\n"
        for (label, value) in words.footer(report) { text += "- " + words.localizer.labelled(label, cell(value)) + "\n" }
        return Data(text.utf8)
    }
}
