import CaseDomain
import GRDB
import KhmerText

/// How a `ReferralFilter` is answered from the referral indexes
/// (`ReferralFacets`). Each filter becomes one condition; one of them is
/// chosen to lead (SQLite seeks its index) and the others are written with
/// a unary `+`, which keeps SQLite from choosing their indexes, so they are
/// tested inside the chosen index instead. Choosing by hand, most selective
/// first, makes the plan the same on every database, with or without
/// `ANALYZE` statistics.
struct ReferralQuery {
    /// One condition of a filter.
    struct Condition {
        enum Column: Equatable {
            case status, provider, service, province, district, commune, village, sex, age, priority, referredOn, office
            case text
        }
        let column: Column
        /// SQL with `%` where the `+` goes when the condition does not lead.
        let template: String
        let arguments: StatementArguments

        func sql(leading: Bool) -> String { template.replacingOccurrences(of: "%", with: leading ? "" : "+") }
    }

    let filter: ReferralFilter

    /// The WHERE clause of a page of the list, in the list order. A narrow
    /// place or a status leads through its own list-order index; otherwise
    /// the page walks `referral_list_order` and stops after one page.
    var listWhere: (sql: String, arguments: StatementArguments) {
        let conditions = conditions(forCount: false)
        let lead: Condition.Column? = [.commune, .district, .status].first { column in
            conditions.contains { $0.column == column }
        } ?? (conditions.map(\.column) == [.provider] ? .provider : nil)
        return Self.join(conditions, lead: lead)
    }

    /// The WHERE clause counting one status under this filter (the filter's
    /// own status is left out; the status counted is bound before
    /// `arguments`).
    /// The most selective condition leads, on its `referral_facets_by_…`
    /// index, which holds every other condition too.
    var countWhere: (sql: String, arguments: StatementArguments)? {
        let conditions = conditions(forCount: true)
        guard !conditions.isEmpty else { return nil }
        let rank: [Condition.Column] = [.village, .provider, .referredOn, .service, .province, .age, .priority, .sex]
        let lead = rank.first { column in conditions.contains { $0.column == column } }
        let rest = Self.join(conditions, lead: lead)
        return ("referral.status = ? AND " + rest.sql, rest.arguments)
    }

    private func conditions(forCount: Bool) -> [Condition] {
        var conditions: [Condition] = []
        func add(_ column: Condition.Column, _ template: String, _ arguments: StatementArguments) {
            conditions.append(Condition(column: column, template: template, arguments: arguments))
        }
        if let status = filter.status, !forCount { add(.status, "%referral.status = ?", [status.rawValue]) }
        if let provider = filter.providerId { add(.provider, "%referral.provider_id = ?", [provider]) }
        if let service = filter.service { add(.service, "%referral.service = ?", [service.rawValue]) }
        if let place = filter.placeCode {
            // A page of a district or commune reads that place's own
            // list-order index; everything else reads village codes, which
            // start with their commune, district and province codes.
            if !forCount && place.count == 4 {
                add(.district, "%referral.district_code = ?", [place])
            } else if !forCount && place.count >= 6 {
                add(.commune, "%referral.commune_code = ?", [String(place.prefix(6))])
                if place.count > 6 { add(.village, "%referral.village_code = ?", [place]) }
            } else {
                add(place.count == 2 ? .province : .village,
                    "%referral.village_code >= ? AND %referral.village_code < ?", [place, place + "~"])
            }
        }
        if let sex = filter.sex { add(.sex, "%referral.sex = ?", [sex.rawValue]) }
        if let group = filter.ageGroup {
            add(.age, "%referral.age BETWEEN ? AND ?", [group.range.lowerBound, group.range.upperBound])
        }
        if let priority = filter.priority { add(.priority, "%referral.priority = ?", [priority.rawValue]) }
        if let office = filter.office {
            let keys = OfficeKeys.range(office)
            add(.office, "%referral.id BETWEEN ? AND ?", [keys.lowerBound, keys.upperBound - 1])
        }
        // Words typed in the search box: each in the code or either name.
        // The stored names are as typed, so Latin matches without regard to
        // case (LIKE) and Khmer as written (no index: this never leads).
        for word in filter.text.split(whereSeparator: { $0.isWhitespace || $0 == "\u{200B}" }) {
            let pattern = SearchQuery.likePattern(String(word))
            let escape = "ESCAPE '\(SearchQuery.likeEscape)'"
            add(.text, "(referral.code LIKE ? \(escape) OR referral.person_name_latin LIKE ? \(escape)"
                + " OR instr(referral.person_name_km, ?) > 0)", [pattern, pattern, String(word)])
        }
        if filter.from != nil || filter.to != nil {
            add(.referredOn, "%referral.referred_on BETWEEN ? AND ?",
                [filter.from?.iso ?? "0000-00-00", filter.to?.iso ?? "9999-99-99"])
        }
        return conditions
    }

    private static func join(_ conditions: [Condition],
                             lead: Condition.Column?) -> (sql: String, arguments: StatementArguments) {
        var arguments: StatementArguments = []
        var parts = ["1"]
        for condition in conditions {
            parts.append(condition.sql(leading: condition.column == lead))
            arguments += condition.arguments
        }
        return (parts.joined(separator: " AND "), arguments)
    }
}
