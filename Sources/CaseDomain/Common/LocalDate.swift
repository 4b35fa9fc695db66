import Foundation
import KhmerText

/// A calendar day with no time zone, as case workers write it: day/month/year.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil when the day does not exist (31/02/2026, 29/02/2025, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month), day >= 1,
              day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO form for storage: 2026-11-21.
    public var iso: String {
        // Not String(format:): it goes through Foundation's formatter, and
        // saves and reports turn tens of thousands of days into text.
        func padded(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    public var description: String { iso }

    /// Parses the stored ISO form.
    public init?(iso: String) {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            return nil
        }
        self.init(year: y, month: m, day: d)
    }

    /// Today in the machine's local time zone.
    public static func today(now: Date = Date()) -> LocalDate {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: now)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Whole years from `self` to `date` (an age on that date).
    public func years(until date: LocalDate) -> Int {
        var age = date.year - year
        if (date.month, date.day) < (month, day) { age -= 1 }
        return age
    }
}

/// Why a typed date was refused.
public enum DateInputError: Error, Equatable, Sendable {
    case malformed
    case impossible
}

extension LocalDate {
    /// Parses what a user typed as day/month/year, in Khmer or Western
    /// digits, with `/`, `-`, `.` or spaces between the parts.
    public static func parse(userInput: String) -> Result<LocalDate, DateInputError> {
        let western = Digits.toWestern(userInput).trimmingSpaces()
        let parts = western.split(whereSeparator: { "/-. ".contains($0) })
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let d = Int(parts[0]), let m = Int(parts[1]), var y = Int(parts[2]) else {
            return .failure(.malformed)
        }
        if parts[2].count == 2 { y += 2000 }
        guard parts[2].count == 4 || parts[2].count == 2 else { return .failure(.malformed) }
        guard let date = LocalDate(year: y, month: m, day: d) else { return .failure(.impossible) }
        return .success(date)
    }
}

extension LocalDate {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Noon UTC of this day: a point that whole days can be added to.
    private var noon: Date {
        Self.utc.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
    }

    /// The day `days` later (or earlier, when negative).
    public func adding(days: Int) -> LocalDate {
        let d = Self.utc.dateComponents([.year, .month, .day], from: noon.addingTimeInterval(Double(days) * 86_400))
        return LocalDate(year: d.year!, month: d.month!, day: d.day!)!
    }

    /// Whole days from `self` to `date` (negative when `date` is earlier).
    public func days(until date: LocalDate) -> Int {
        Int((date.noon.timeIntervalSince(noon) / 86_400).rounded())
    }
}

extension LocalDate {
    /// Encoded as its ISO text ("2026-11-22").
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}
