import CaseDomain
import Foundation
import GRDB

extension ReferralService {
    /// The string-table keys of the export's column headings, in order.
    public static let exportColumns = [
        "export.code", "export.referred-on", "export.status", "export.last-move", "export.days-since-move",
        "export.name-km", "export.name-latin", "export.sex", "export.age", "export.age-group", "export.service",
        "export.provider", "export.priority", "export.province", "export.district", "export.commune", "export.village",
        "export.case", "export.household", "export.reason", "export.exit-reason", "export.outcome",
        "export.outcome-notes", "export.sent-on", "export.accepted-on", "export.enrolled-on", "export.completed-on",
        "export.ended-on",
    ]

    /// The dates of the moves the export has a column for, in order; the
    /// last is the date it ended without completing.
    static let movesWithDates: [[ReferralStatus]] = [[.sent], [.accepted], [.enrolled], [.completed],
                                                     [.declined, .droppedOut, .cancelled]]

    /// One column per entry of `movesWithDates`: the date (ISO) of the
    /// referral's move to that status, if it made one.
    static let moveDateColumns: String = movesWithDates.enumerated().map { i, statuses -> String in
        let list = statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return """
            (SELECT MAX(COALESCE(t.effective_on, substr(t.at, 1, 10))) FROM referral_transition AS t
             WHERE t.referral_id = referral.id AND t.to_status IN (\(list))) AS moved_\(i)
            """
    }.joined(separator: ", ")

    /// Writes every referral matching `filter` to `url` as CSV (UTF-8 with
    /// a byte-order mark), oldest last move first. `label` turns string-table
    /// keys (headings and code-list values) into words; `progress` is told
    /// (rows written, total) after each page. Writes to a temporary file
    /// beside `url` and renames it, so a failure never leaves half a file.
    /// Coordinators only; audited. Returns the number of rows.
    @discardableResult
    public func export(_ session: Session, filter: ReferralFilter, to url: URL, khmerPlaceNames: Bool,
                       label: (String) -> String, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        try session.require(.exportData)
        let total = try countsByStatus(session, filter: filter)
            .filter { filter.status == nil || $0.key == filter.status }.values.reduce(0, +)
        var written = 0
        try AtomicFile.writing(to: url) { handle in
            try handle.write(contentsOf: Data((CSV.byteOrderMark + CSV.line(Self.exportColumns.map(label))).utf8))
            let now = store.now
            let narrowing = ReferralQuery(filter: filter).listWhere
            let nameColumn = khmerPlaceNames ? "name_km" : "name_latin"
            var cursor: ReferralCursor?
            while true {
                var sql = """
                    SELECT \(Self.summaryColumns), child_case.code AS case_code, household.code AS household_code,
                      referral.reason, referral.exit_reason, referral.outcome, referral.outcome_notes,
                      province.\(nameColumn) AS province, district.\(nameColumn) AS district,
                      commune.\(nameColumn) AS commune, village.\(nameColumn) AS village,
                      \(Self.moveDateColumns)
                    FROM referral JOIN provider ON provider.id = referral.provider_id
                    LEFT JOIN child_case ON child_case.id = referral.case_id
                    LEFT JOIN household ON household.id = referral.household_id
                    LEFT JOIN place AS village ON village.code = referral.village_code
                    LEFT JOIN place AS commune ON commune.code = referral.commune_code
                    LEFT JOIN place AS district ON district.code = referral.district_code
                    LEFT JOIN place AS province ON province.code = substr(referral.district_code, 1, 2)
                    WHERE \(narrowing.sql)
                    """
                var args = narrowing.arguments
                if let cursor {
                    sql += " AND " + Self.after
                    args += Self.arguments(after: cursor)
                }
                sql += " ORDER BY " + Self.order + " LIMIT 1000"
                let rows = try store.read { db in try Row.fetchAll(db, sql: sql, arguments: args) }
                guard !rows.isEmpty else { break }
                var text = ""
                for row in rows {
                    let r = Self.summary(row: row)
                    let group = AgeGroup.allCases.first { $0.range.contains(r.age) }
                    let provider = khmerPlaceNames && !r.providerName.isEmpty ? r.providerName : r.providerNameLatin
                    let moveDates: [String] = Self.movesWithDates.indices.map { row["moved_\($0)"] ?? "" }
                    text += CSV.line([
                        r.code, r.referredOn.iso, label(r.status.labelKey),
                        ISO8601DateFormatter.string(from: r.statusChangedAt, timeZone: .current,
                                                    formatOptions: [.withFullDate]),
                        String(r.daysSinceLastMove(now: now)), r.personNameKm, r.personNameLatin, label(r.sex.labelKey),
                        String(r.age), group?.rawValue ?? "", label(r.service.labelKey),
                        provider.isEmpty ? r.providerName : provider, label(r.priority.labelKey),
                        row["province"] ?? "", row["district"] ?? "", row["commune"] ?? "", row["village"] ?? "",
                        row["case_code"] ?? "", row["household_code"] ?? "", row["reason"] ?? "",
                        ReferralExitReason.text(row["exit_reason"] ?? "", label: label),
                        (row["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:)).map { label($0.labelKey) } ?? "",
                        row["outcome_notes"] ?? "",
                    ] + moveDates)
                }
                try handle.write(contentsOf: Data(text.utf8))
                written += rows.count
                progress(written, max(total, written))
                cursor = ReferralCursor(after: Self.summary(row: rows[rows.count - 1]))
            }
        }
        try store.write { db in
            try store.audit(db, session, .export, entity: "referral", summary: "\(written) referrals to \(url.lastPathComponent)")
        }
        return written
    }
}
