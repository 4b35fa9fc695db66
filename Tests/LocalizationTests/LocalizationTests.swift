import Foundation
import Testing
@testable import Localization

@Suite struct StringTableTests {
    let table = StringTable.shipped

    @Test func shippedTableLoads() {
        #expect(table.keys.count > 150)
        #expect(table.malformedLines.isEmpty)
        #expect(table.duplicateKeys.isEmpty)
    }

    @Test func everyKeyHasKhmerAndEnglish() {
        let missing = table.missingTranslations.map { "\($0.key) [\($0.language.rawValue)]" }
        #expect(missing.isEmpty, "missing translations: \(missing)")
    }

    @Test func khmerTextsAreKhmer() {
        // A Khmer entry that is just the English copied over is a missing
        // translation in disguise. Symbols-only entries are exempt.
        let untranslated = table.keys.filter { key in
            let en = table.text(key, .en)!, km = table.text(key, .km)!
            let hasLetters = en.unicodeScalars.contains { $0.properties.isAlphabetic }
            return hasLetters && km == en && !["widget.date-hint"].contains(key)
        }
        #expect(untranslated.isEmpty, "\(untranslated)")
    }

    @Test func placeholdersMatchAcrossLanguages() {
        for key in table.keys {
            let en = table.text(key, .en)!, km = table.text(key, .km)!
            for n in 0..<5 {
                #expect(en.contains("{\(n)}") == km.contains("{\(n)}"), "\(key) placeholder {\(n)}")
            }
        }
    }

    @Test func everyKeyUsedInTheSourcesExists() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources")
        let prefixes = ["action", "review", "followups", "visit", "filter", "app", "audit", "case", "cases", "confirm", "dialog", "draft", "duplicates", "error", "field", "form", "help", "home",
                        "intake", "key", "login", "search", "setup", "warning", "widget", "households", "household",
                        "member", "referral", "referrals", "move", "export", "providers", "provider", "lock", "password", "password-check", "user", "users",
                        "settings", "audit-action", "backups", "backup-error", "restore", "unsaved", "merge", "draft-kind", "audit-entity", "audit-summary", "export-error", "offices", "conflicts", "conflict", "conflict-kind", "conflict-table"]
        let pattern = try NSRegularExpression(pattern: "\"((?:\(prefixes.joined(separator: "|")))\\.[a-z0-9.-]+)\"")
        var used = Set<String>()
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(used.count > 100)
        // Keys ending in "-" are prefixes completed in code ("error.password-" + problem).
        let undefined = used.filter { table.entries[$0] == nil && !$0.hasSuffix("-") }.sorted()
        #expect(undefined.isEmpty, "keys used in Sources but missing from strings.tsv: \(undefined)")
    }

    @Test func parsesEscapesAndReportsMalformedLines() {
        let t = StringTable(tsv: "# c\na.b\tOne\\nTwo\tមួយ\nbad line\na.b\tx\ty\nc.d\t\t\n")
        #expect(t.text("a.b", .en) == "x")
        #expect(t.malformedLines == [3])
        #expect(t.duplicateKeys == ["a.b"])
        #expect(t.missingTranslations.map(\.key) == ["c.d", "c.d"])
        #expect(StringTable(tsv: "k\tOne\\nTwo\tមួយ").text("k", .en) == "One\nTwo")
    }
}

@Suite struct LocalizerTests {
    @Test func khmerModeUsesKhmerDigitsAndMonths() {
        let km = Localizer(language: .km)
        #expect(km.longDate(year: 2026, month: 11, day: 21) == "២១ វិច្ឆិកា ២០២៦")
        #expect(km.shortDate(year: 2026, month: 3, day: 5) == "០៥/០៣/២០២៦")
        #expect(km.number(1468) == "១,៤៦៨")
        let en = Localizer(language: .en)
        #expect(en.longDate(year: 2026, month: 11, day: 21) == "21 Nov 2026")
        #expect(en.number(1468) == "1,468")
        #expect(en.number(-5) == "-5")
    }

    @Test func substitutesArgumentsAndFlagsMissingKeys() {
        let en = Localizer(language: .en)
        #expect(en("intake.saved", "KC-2026-0001") == "Case KC-2026-0001 saved.")
        #expect(en("no.such-key") == "⟦no.such-key⟧")
        #expect(Language(code: "EN") == .en)
        #expect(Language(code: "fr") == .km)
        #expect(Language.km.toggled == .en)
    }

    /// One thing is said in the singular in English; Khmer says the number
    /// the same way whatever it is, in Khmer digits.
    @Test func countsSayOneThingInTheSingular() {
        let en = Localizer(language: .en), km = Localizer(language: .km)
        #expect(en.count("conflicts.count", 1) == "1 conflict waits for a decision")
        #expect(en.count("conflicts.count", 2) == "2 conflicts wait for a decision")
        #expect(en.count("conflicts.count", 0) == "0 conflicts wait for a decision")
        #expect(en.count("conflicts.count-office", 1, "PV1") == "1 conflict of PV1 waits for a decision")
        #expect(en.count("cases.count", 1_468) == "1,468 cases")
        #expect(en.count("report.legend", 1) == en("report.legend"), "a key without a singular form is used as it is")
        #expect(km.count("conflicts.count", 1) == "ភាពខុសគ្នា ១ កំពុងរង់ចាំការសម្រេច")
        #expect(km.count("cases.count", 1_468) == "ករណីចំនួន ១,៤៦៨")
        // Every singular form has its plural beside it, with the same placeholders.
        for key in Localizer(language: .en).table.entries.keys where key.hasSuffix(".one") {
            #expect(en.table.entries[String(key.dropLast(4))] != nil, "\(key) has no plural")
        }
    }
}
