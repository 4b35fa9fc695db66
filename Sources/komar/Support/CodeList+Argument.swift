import ArgumentParser
import CaseDomain
import KhmerText
import Localization

/// Reads code-list values, languages and dates from the command line; a
/// wrong value is refused with the option's name and what it accepts.
enum Parse {
    /// The codes of a list, for help and messages.
    static func codes<C: CodeList>(_ type: C.Type) -> String { C.allCases.map(\.rawValue).joined(separator: ", ") }

    static func code<C: CodeList>(_ option: String) -> @Sendable (String) throws -> C {
        { value in
            guard let code = C(rawValue: value) else {
                throw ValidationError("--\(option) must be one of: \(codes(C.self))")
            }
            return code
        }
    }

    /// An office setting's name, as `komar settings` takes it.
    static let setting: @Sendable (String) throws -> OfficeSettings.Key = { value in
        guard let key = OfficeSettings.Key(rawValue: value) else {
            throw ValidationError("the setting must be one of: "
                + OfficeSettings.Key.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return key
    }

    static func language(_ option: String) -> @Sendable (String) throws -> Language {
        { value in
            guard let language = Language(rawValue: value) else { throw ValidationError("--\(option) must be km or en") }
            return language
        }
    }

    /// Day/month/year, in Khmer or Western digits.
    static func date(_ option: String) -> @Sendable (String) throws -> LocalDate {
        { value in
            // The ISO form too: it is what Komar's own exports write.
            if let date = LocalDate(iso: Digits.toWestern(value)) { return date }
            guard case .success(let date) = LocalDate.parse(userInput: value) else {
                throw ValidationError("--\(option) must be a date as day/month/year (01/11/2026) or year-month-day (2026-11-01)")
            }
            return date
        }
    }
}
