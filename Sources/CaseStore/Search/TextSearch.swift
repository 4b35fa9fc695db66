import GRDB
import KhmerText

/// SQL for a `SearchQuery` over one of Komar's full-text indexes
/// (`case_search`, `household_search`: FTS5 with the trigram tokenizer,
/// one row per record, rowid = the record's id). From three code points
/// the index answers; shorter text is looked up by substring in the index's
/// own text, or in a folded column.
struct TextSearch {
    let query: SearchQuery
    /// The FTS5 table, e.g. `case_search`.
    let index: String

    init(_ text: String, index: String) {
        query = SearchQuery(text)
        self.index = index
    }

    var isEmpty: Bool { query.isEmpty }

    /// The row of `table` is one the trigram index matches for every word
    /// of three code points or more, and whose `foldedColumn` contains each
    /// shorter word; nil when no word is long enough for the index.
    func indexMatch(table: String, foldedColumn: String) -> SQLCondition? {
        guard query.usesTrigramIndex else { return nil }
        let match = SQLCondition("\(table).id IN (SELECT rowid FROM \(index) WHERE \(index) MATCH ?)", [query.ftsQuery])
        return Self.containsAll(query.shortWords, in: "\(table).\(foldedColumn)").map { match && $0 } ?? match
    }

    /// For lists that narrow rows they already select: the trigram index
    /// from three code points, below that substrings of `foldedColumn`
    /// (a column of `table` already folded with `SearchKey`). Nil without
    /// text.
    func narrowing(table: String, foldedColumn: String) -> SQLCondition? {
        indexMatch(table: table, foldedColumn: foldedColumn) ?? contains(table: table, column: foldedColumn)
    }

    /// `<table>.<column>`, already folded, contains every word of the
    /// query (no wildcards).
    func contains(table: String, column: String) -> SQLCondition? {
        Self.containsAll(query.words, in: "\(table).\(column)")
    }

    /// `column` contains each of `words`; nil without words.
    static func containsAll(_ words: [String], in column: String) -> SQLCondition? {
        words.map { SQLCondition("instr(\(column), ?) > 0", [$0]) }.reduce(nil) { all, next in all.map { $0 && next } ?? next }
    }

    /// `<table>.<column>`, as typed, contains the query text (`LIKE`, with `%` and
    /// `_` escaped), for codes.
    func like(table: String, column: String) -> SQLCondition? {
        query.isEmpty ? nil : SQLCondition("\(table).\(column) LIKE ? ESCAPE '\(SearchQuery.likeEscape)'",
                                           [query.likePattern])
    }
}

/// A piece of a WHERE clause with its arguments.
struct SQLCondition {
    var sql: String
    var arguments: StatementArguments

    init(_ sql: String, _ arguments: StatementArguments = []) {
        self.sql = sql
        self.arguments = arguments
    }

    static let always = SQLCondition("1")

    /// Both conditions.
    static func && (a: SQLCondition, b: SQLCondition) -> SQLCondition {
        SQLCondition("(\(a.sql)) AND (\(b.sql))", a.arguments + b.arguments)
    }

    /// Either condition.
    static func || (a: SQLCondition, b: SQLCondition) -> SQLCondition {
        SQLCondition("(\(a.sql)) OR (\(b.sql))", a.arguments + b.arguments)
    }
}
