import Foundation

/// Every user-facing string, in Khmer and English, read from
/// `Resources/strings/strings.tsv` (one line per key: key, English, Khmer;
/// `#` starts a comment; `\n` in a text is a line break).
public struct StringTable: Sendable {
    public let entries: [String: [Language: String]]
    /// Keys in file order, for tests and tooling.
    public let keys: [String]
    /// Lines that could not be read, with their line numbers.
    public let malformedLines: [Int]
    /// Keys defined more than once.
    public let duplicateKeys: [String]

    /// The table shipped with Komar.
    public static let shipped: StringTable = {
        guard let url = Bundle.module.url(forResource: "strings", withExtension: "tsv", subdirectory: "strings"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            return StringTable(tsv: "")
        }
        return StringTable(tsv: text)
    }()

    public init(tsv: String) {
        var entries: [String: [Language: String]] = [:]
        var keys: [String] = []
        var malformed: [Int] = []
        var duplicates: [String] = []
        for (number, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                malformed.append(number + 1)
                continue
            }
            let key = String(fields[0])
            if entries[key] != nil { duplicates.append(key) }
            keys.append(key)
            entries[key] = [
                .en: fields[1].replacingOccurrences(of: "\\n", with: "\n"),
                .km: fields[2].replacingOccurrences(of: "\\n", with: "\n"),
            ]
        }
        self.entries = entries
        self.keys = keys
        malformedLines = malformed
        duplicateKeys = duplicates
    }

    /// Keys that lack a non-empty text in some language.
    public var missingTranslations: [(key: String, language: Language)] {
        keys.flatMap { key in
            Language.allCases.compactMap { language in
                (entries[key]?[language] ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? (key, language) : nil
            }
        }
    }

    public func text(_ key: String, _ language: Language) -> String? { entries[key]?[language] }
}
