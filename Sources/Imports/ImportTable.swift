import Foundation
import SwiftCSV

/// The rows of an import file: CSV or TSV (the delimiter is guessed from
/// the first line), UTF-8 with or without Excel's byte-order mark, read by
/// SwiftCSV. Every row is padded to the header's width; blank rows are
/// left out but keep their line numbers out of the count.
public struct ImportTable: Sendable {
    public let header: [String]
    /// Each row with its line number in the file (the header is line 1).
    public let rows: [(line: Int, cells: [String])]

    public enum Failure: Error, Equatable, Sendable {
        case notUTF8
        case empty
        case unreadable(String)
    }

    public static func read(_ data: Data) throws -> ImportTable {
        guard let text = String(data: data, encoding: .utf8) else { throw Failure.notUTF8 }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace && $0 != "\u{FEFF}" })
        else { throw Failure.empty }
        do {
            let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
            // The delimiter is guessed from the heading line alone (given the whole file, the guess trims all of it first).
            let start = body.firstIndex { !$0.isWhitespace || $0 == "\t" } ?? body.endIndex
            let heading = body[start...].prefix { !$0.isNewline }
            // The header is read on opening; the rows are taken one at a time as they are parsed, so the
            // file's cells are held once, here, and not also in SwiftCSV's own list of rows.
            let csv = try EnumeratedCSV(string: body, delimiter: CSVDelimiter.guessed(string: String(heading)),
                                        loadColumns: false, rowLimit: 1)
            let header = csv.header.map(Self.trimmed)
            var rows: [(Int, [String])] = []
            var line = 1
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { row in
                line += 1
                let cells = row.map(Self.trimmed)
                guard cells.contains(where: { !$0.isEmpty }) else { return }
                rows.append((line, cells.count < header.count ? cells + Array(repeating: "", count: header.count - cells.count)
                                                               : cells))
            }
            return ImportTable(header: header, rows: rows)
        } catch let error as CSVParseError {
            throw Failure.unreadable("\(error)")
        }
    }

    /// A cell without spaces at either end; most cells have none, and are
    /// returned as they are.
    static func trimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }
}

/// Where each known column is in a file: worked out once from its headings.
struct ColumnPositions: Sendable {
    private let positions: [String: Int]

    init(_ columns: [Int: ImportColumn]) {
        var positions: [String: Int] = [:]
        for (position, column) in columns { positions[column.id] = position }
        self.positions = positions
    }

    /// One row's cells, read by column id.
    func cells(_ row: [String]) -> RowCells { RowCells(cells: row, positions: positions) }
}

/// A row's cells by column id, through the file's `ColumnPositions`:
/// a dictionary per row cost tens of megabytes on a 50,000-row file.
struct RowCells: Sendable {
    let cells: [String]
    fileprivate let positions: [String: Int]

    /// The cell of column `id`, or nil when the file has no such column.
    subscript(id: String) -> String? {
        guard let position = positions[id], position < cells.count else { return nil }
        return cells[position]
    }
}
