import CaseDomain
import KhmerText
import Localization

/// One thing wrong with an import file, on a line and in a column, said
/// through the string table.
public struct ImportProblem: Hashable, Sendable {
    /// The file's line (the heading is line 1); nil for the whole file.
    public let line: Int?
    public let columnKey: String?
    public let messageKey: String
    public let arguments: [String]
    /// String-table keys of the values the cell may hold, said after the
    /// message when a value is not one of them.
    public let choices: [String]

    public init(line: Int?, columnKey: String? = nil, _ messageKey: String, _ arguments: [String] = [],
                choices: [String] = []) {
        self.line = line
        self.columnKey = columnKey
        self.messageKey = messageKey
        self.arguments = arguments
        self.choices = choices
    }

    /// A value that is none of a code list's, with the list's values.
    static func notAChoice<C: CodeList>(line: Int, columnKey: String, _ text: String, _ type: C.Type) -> ImportProblem {
        ImportProblem(line: line, columnKey: columnKey, "import.not-a-choice", [text], choices: C.allCases.map(\.labelKey))
    }

    /// "line 12: Village: no village is named “Phum X”".
    public func text(_ t: Localizer) -> String {
        var message = t(messageKey)
        for (i, argument) in arguments.enumerated() {
            // A value quoted from the file stays as typed; counts and line numbers are the language's.
            let quoted = message.contains("“{\(i)}”")
            let shown = quoted ? argument : Int(argument).map(t.number) ?? argument
            message = message.replacingOccurrences(of: "{\(i)}", with: shown)
        }
        if !choices.isEmpty { message += " " + t("import.choices", choices.map { t($0) }.joined(separator: ", ")) }
        if let columnKey { message = t.labelled(t(columnKey), message) }
        return line.map { t("import.line", t.number($0)) + " " + message } ?? message
    }
}

/// Reads the values people type in spreadsheets: a code-list value by its
/// code or its label in either language, yes and no, dates as day/month/year
/// or ISO, and whole numbers in Khmer or Western digits.
final class ValueReader {
    let table: StringTable
    /// Per code list: every accepted spelling (normalised) → the code.
    private var spellings: [ObjectIdentifier: [String: String]] = [:]

    init(table: StringTable) { self.table = table }

    static func normal(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter {
            !$0.properties.isWhitespace && $0 != "-" && $0 != "_"
        }))
    }

    /// A code-list value from its code, or its (short) label in Khmer or
    /// English; `aliases` adds other spellings people use.
    func code<C: CodeList>(_ text: String, _ type: C.Type, aliases: [String: C] = [:]) -> C? {
        let key = Self.normal(text)
        if let code = aliases[key] { return code }
        let id = ObjectIdentifier(C.self)
        if spellings[id] == nil {
            var names: [String: String] = [:]
            for code in C.allCases {
                names[Self.normal(code.rawValue)] = code.rawValue
                for language in Language.allCases {
                    for suffix in ["", ".short"] {
                        if let label = table.text(code.labelKey + suffix, language) { names[Self.normal(label)] = code.rawValue }
                    }
                }
            }
            spellings[id] = names
        }
        return spellings[id]?[key].flatMap(C.init(rawValue:))
    }

    /// Several code-list values separated by ";" or "," (or one per line).
    func codes<C: CodeList>(_ text: String, _ type: C.Type) -> (found: [C], unknown: [String]) {
        var found: [C] = []
        var unknown: [String] = []
        for part in text.split(whereSeparator: { ";,\n".contains($0) }) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else { continue }
            if let code = code(item, C.self) { found.append(code) } else { unknown.append(item) }
        }
        return (found, unknown)
    }

    /// Yes or no in either language; nil for an empty cell; .failure for
    /// anything else.
    func yesNo(_ text: String) -> Result<Bool?, ImportValueError> {
        let key = Self.normal(text)
        if key.isEmpty { return .success(nil) }
        if yesSpellings.contains(key) { return .success(true) }
        if noSpellings.contains(key) { return .success(false) }
        return .failure(.notYesNo)
    }

    private lazy var yesSpellings = Set(["yes", "y", "true", "1", "បាទ", "ចាស", "មាន", "បាទ/ចាស",
                                         Self.normal(table.text("import.yes", .km) ?? "")])
    private lazy var noSpellings = Set(["no", "n", "false", "0", "ទេ", "គ្មាន", "មិន", Self.normal(table.text("import.no", .km) ?? "")])

    /// A day as 31/12/2026 (Khmer digits too) or 2026-12-31.
    static func date(_ text: String) -> LocalDate? {
        let western = Digits.toWestern(text).trimmingSpaces()
        if let iso = LocalDate(iso: western), western.count == 10, western.dropFirst(4).first == "-" { return iso }
        if case .success(let date) = LocalDate.parse(userInput: western) { return date }
        return nil
    }

    /// What is wrong with a text `date` refused: a day the calendar lacks
    /// (31/02/2012 is written right), or not a date at all.
    static func dateProblem(_ text: String) -> String {
        LocalDate.parse(userInput: Digits.toWestern(text).trimmingSpaces()) == .failure(.impossible)
            ? "import.impossible-date" : "import.not-a-date"
    }

    static func number(_ text: String) -> Int? { Digits.parseInt(text.trimmingSpaces()) }
}

enum ImportValueError: Error { case notYesNo }
