import Foundation

/// The time a report covers: a month ("2026-10"), a quarter ("2026-Q3"),
/// a year ("2026") or any range of days ("2026-01-01..2026-06-30"), both
/// ends included.
public struct ReportPeriod: Hashable, Sendable, CustomStringConvertible {
    public let start: LocalDate
    public let end: LocalDate
    /// The text it was written as, normalised; also its name in files.
    public let description: String

    /// The years a report may cover: cases are recorded from 2000 on, and
    /// stepping a period back or forward stays inside these.
    public static let years = 2000...2099

    public init?(start: LocalDate, end: LocalDate) {
        guard start <= end, Self.years.contains(start.year), Self.years.contains(end.year) else { return nil }
        self.start = start
        self.end = end
        description = start.iso + ".." + end.iso
    }

    private init(start: LocalDate, end: LocalDate, description: String) {
        self.start = start
        self.end = end
        self.description = description
    }

    public static func month(_ year: Int, _ month: Int) -> ReportPeriod? {
        guard years.contains(year), let start = LocalDate(year: year, month: month, day: 1),
              let end = LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year)) else {
            return nil
        }
        return ReportPeriod(start: start, end: end, description: String(format: "%04d-%02d", year, month))
    }

    public static func quarter(_ year: Int, _ quarter: Int) -> ReportPeriod? {
        guard (1...4).contains(quarter), let first = month(year, quarter * 3 - 2), let last = month(year, quarter * 3) else {
            return nil
        }
        return ReportPeriod(start: first.start, end: last.end, description: String(format: "%04d-Q%d", year, quarter))
    }

    public static func year(_ year: Int) -> ReportPeriod? {
        guard let first = month(year, 1), let last = month(year, 12) else { return nil }
        return ReportPeriod(start: first.start, end: last.end, description: String(format: "%04d", year))
    }

    /// Why a period could not be read.
    public enum ParseError: Error, Equatable, Sendable {
        /// Not a month, quarter, year or range of days.
        case malformed
        /// A range whose end comes before its start.
        case reversed
        /// Before 2000 or after 2099.
        case outOfRange
        /// A day that is not in the calendar (2026-02-30).
        case noSuchDay
        /// A period that starts after today: it has nothing to count yet.
        case future

        /// What the Reports screen and the command line say about it.
        public var messageKey: String {
            switch self {
            case .reversed: "error.report-period-reversed"
            case .outOfRange: "error.report-period-years"
            case .malformed: "error.report-period"
            case .noSuchDay: "error.report-period-no-day"
            case .future: "error.report-period-future"
            }
        }
    }

    /// The period `text` names, refused when it starts after `today`.
    public static func read(_ text: String, today: LocalDate) -> Result<ReportPeriod, ParseError> {
        read(text).flatMap { $0.start > today ? .failure(.future) : .success($0) }
    }

    /// Parses "2026-10" (or "2026-1"), "2026-Q3", "2026", or a range of days
    /// "2026-01-01..2026-06-30" whose days may also be written day/month/year
    /// ("01/01/2026..30/06/2026"), with spaces around the dots or not.
    public static func parse(_ text: String) -> ReportPeriod? {
        if case .success(let period) = read(text) { return period }
        return nil
    }

    public static func read(_ text: String) -> Result<ReportPeriod, ParseError> {
        let text = text.trimmingCharacters(in: .whitespaces).uppercased()
        if let range = text.range(of: "..") {
            func day(_ part: Substring) -> Result<LocalDate, ParseError> {
                let part = part.trimmingCharacters(in: .whitespaces)
                if let iso = LocalDate(iso: part) { return .success(iso) }
                let numbers = part.split(separator: "-").compactMap { Int($0) }
                if numbers.count == 3, part.count == 10, numbers[0] >= 1000 { return .failure(.noSuchDay) }
                guard part.contains("/") else { return .failure(.malformed) }
                switch LocalDate.parse(userInput: part) {
                case .success(let date): return .success(date)
                case .failure(.impossible): return .failure(.noSuchDay)
                case .failure: return .failure(.malformed)
                }
            }
            let start: LocalDate, end: LocalDate
            switch (day(text[..<range.lowerBound]), day(text[range.upperBound...])) {
            case (.success(let first), .success(let last)): (start, end) = (first, last)
            case (.failure(.noSuchDay), _), (_, .failure(.noSuchDay)): return .failure(.noSuchDay)
            default: return .failure(.malformed)
            }
            guard start <= end else { return .failure(.reversed) }
            guard years.contains(start.year), years.contains(end.year) else { return .failure(.outOfRange) }
            return ReportPeriod(start: start, end: end).map { .success($0) } ?? .failure(.malformed)
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, first.count == 4, let y = Int(first) else { return .failure(.malformed) }
        guard years.contains(y) else { return .failure(.outOfRange) }
        let period: ReportPeriod?
        switch parts.count {
        case 1: period = year(y)
        case 2 where parts[1].hasPrefix("Q"): period = Int(parts[1].dropFirst()).flatMap { quarter(y, $0) }
        case 2 where (1...2).contains(parts[1].count): period = Int(parts[1]).flatMap { month(y, $0) }
        default: period = nil
        }
        return period.map { .success($0) } ?? .failure(.malformed)
    }

    /// The period of the same kind just before this one's start, for
    /// "previous month" keys; a range moves back by its own length.
    public func previous() -> ReportPeriod {
        guard start.year > Self.years.lowerBound || start.month > 1 || start.day > 1 else { return self }
        let dayBefore = start.adding(days: -1)
        switch description.count {
        case 4: return Self.year(dayBefore.year) ?? self
        case 7 where description.contains("Q"): return Self.quarter(dayBefore.year, (dayBefore.month + 2) / 3) ?? self
        case 7: return Self.month(dayBefore.year, dayBefore.month) ?? self
        default:
            if let months = wholeMonths, let first = Self.firstOfMonth(start, plus: -months) {
                return ReportPeriod(start: first, end: dayBefore) ?? self
            }
            return ReportPeriod(start: start.adding(days: -(start.days(until: end) + 1)), end: dayBefore) ?? self
        }
    }

    /// The period of the same kind just after this one.
    public func next() -> ReportPeriod {
        guard end.year < Self.years.upperBound || end.month < 12 || end.day < 31 else { return self }
        let dayAfter = end.adding(days: 1)
        switch description.count {
        case 4: return Self.year(dayAfter.year) ?? self
        case 7 where description.contains("Q"): return Self.quarter(dayAfter.year, (dayAfter.month + 2) / 3) ?? self
        case 7: return Self.month(dayAfter.year, dayAfter.month) ?? self
        default:
            if let months = wholeMonths, let first = Self.firstOfMonth(dayAfter, plus: months) {
                return ReportPeriod(start: dayAfter, end: first.adding(days: -1)) ?? self
            }
            return ReportPeriod(start: dayAfter, end: dayAfter.adding(days: start.days(until: end))) ?? self
        }
    }

    /// How many months a range of days covers when it runs from a month's
    /// first day to a month's last (1 Nov – 31 Dec: 2), so it steps by
    /// months rather than by its number of days.
    private var wholeMonths: Int? {
        guard start.day == 1, end.day == LocalDate.daysIn(month: end.month, year: end.year) else { return nil }
        return (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1
    }

    /// The first day of the month `months` after `day`'s (before, when negative).
    private static func firstOfMonth(_ day: LocalDate, plus months: Int) -> LocalDate? {
        let index = day.year * 12 + (day.month - 1) + months
        return LocalDate(year: index / 12, month: index % 12 + 1, day: 1)
    }
}

/// Where a report counts: the whole office, or one province (2-digit
/// gazetteer code), district (4) or commune (6).
public struct ReportArea: Hashable, Sendable {
    /// Empty for the whole office.
    public let code: String

    public static let office = ReportArea(uncheckedCode: "")

    private init(uncheckedCode: String) { code = uncheckedCode }

    /// Nil unless `code` is a 2-, 4- or 6-digit gazetteer code.
    public init?(code: String) {
        guard [2, 4, 6].contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        self.code = code
    }

    public var isOffice: Bool { code.isEmpty }
}

/// An age band of a report: from `lower` to `upper` years, both included;
/// no upper bound for the last ("18+").
public struct AgeBand: Hashable, Sendable, CustomStringConvertible {
    public let lower: Int
    public let upper: Int?

    public func contains(_ age: Int) -> Bool { age >= lower && upper.map { age <= $0 } ?? true }

    /// "0–5", "18+".
    public var description: String { upper.map { "\(lower)–\($0)" } ?? "\(lower)+" }
}

/// The office's choice of age bands (a setting): the child-protection
/// bands, Primero's, or CPIMS's.
public enum AgeBandPreset: String, CodeList {
    case childProtection = "child-protection"
    case primero
    case cpims
    public static let labelPrefix = "age-bands"

    public var bands: [AgeBand] {
        let edges: [Int]
        switch self {
        case .childProtection: edges = [0, 6, 12, 15, 18]
        case .primero: edges = [0, 5, 12, 18, 60]
        case .cpims: edges = [0, 6, 11, 16, 18]
        }
        return edges.indices.map { i in AgeBand(lower: edges[i], upper: i + 1 < edges.count ? edges[i + 1] - 1 : nil) }
    }

    /// The index of the band `age` falls in (ages below zero count in the first).
    public func band(of age: Int) -> Int { bands.lastIndex { age >= $0.lower } ?? 0 }
}

/// The four groups every figure is split into: girls and boys under 18,
/// women and men aged 18 or over.
public enum SexAgeGroup: String, CodeList {
    case girls, boys, women, men
    public static let labelPrefix = "sex-group"

    public init(sex: Sex, age: Int) {
        switch (sex, age < 18) {
        case (.female, true): self = .girls
        case (.male, true): self = .boys
        case (.female, false): self = .women
        case (.male, false): self = .men
        }
    }
}

/// A count and how many of it are female: "1,468 (493 female)".
public struct Tally: Hashable, Sendable {
    public var total: Int
    public var female: Int

    public init(total: Int = 0, female: Int = 0) {
        self.total = total
        self.female = female
    }

    public mutating func add(_ sex: Sex, _ count: Int = 1) {
        total += count
        if sex == .female { female += count }
    }

    public static func + (a: Tally, b: Tally) -> Tally { Tally(total: a.total + b.total, female: a.female + b.female) }
}
