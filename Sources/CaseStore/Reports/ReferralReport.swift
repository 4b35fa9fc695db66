import CaseDomain
import GRDB

/// The referrals report (trafficking prevention): referrals made in the
/// period by service, provider and status; the people reached by sex and
/// age band; how referrals ended and why; days from sent to enrolled;
/// outcomes; and each service's referred against enrolled.
enum ReferralReport {
    /// Statuses that mean the person was enrolled at some point.
    static let enrolledStatuses: Set<ReferralStatus> = [.enrolled, .completed, .droppedOut]
    static let endings: [ReferralStatus] = [.completed, .droppedOut, .declined, .cancelled]

    struct Group {
        let service: ServiceType?
        let providerId: Int64
        let status: ReferralStatus
        let sex: Sex
        let exitReason: String
        let outcome: ReferralOutcome?
        let n: Int
    }

    static func tables(_ db: Database, _ scope: ReportScope) throws -> [ReportTable] {
        let groups = try scope.tally(db, ReferralMeasure.referral).compactMap { key, n -> Group? in
            let parts = key.key.split(separator: ReferralMeasure.separator, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 5, let providerId = Int64(parts[1]) else { return nil }
            // An exit reason is typed, so it is whatever lies between the status and the outcome.
            return Group(service: ServiceType(rawValue: parts[0]), providerId: providerId,
                         status: ReferralStatus(rawValue: parts[2]) ?? .draft, sex: key.sex,
                         exitReason: parts[3..<(parts.count - 1)].joined(separator: String(ReferralMeasure.separator)),
                         outcome: ReferralOutcome(rawValue: parts[parts.count - 1]), n: n)
        }
        let providers = try Row.fetchAll(db, sql: "SELECT id, name_km, name_latin FROM provider").reduce(
            into: [Int64: ReportText]()) { names, row in
            names[row["id"]] = .names(km: row["name_km"], latin: row["name_latin"])
        }
        return [
            byServiceAndProvider(groups, providers),
            try peopleReached(db, scope),
            endings(groups),
            exitReasons(groups),
            try daysToEnrol(db, scope),
            outcomes(groups),
            needsAndServed(groups),
        ]
    }

    static func tally(_ groups: [Group]) -> Tally {
        var tally = Tally()
        for group in groups { tally.add(group.sex, group.n) }
        return tally
    }

    static func byServiceAndProvider(_ groups: [Group], _ providers: [Int64: ReportText]) -> ReportTable {
        var rows: [[ReportCell]] = []
        for service in ServiceType.allCases {
            let ofService = groups.filter { $0.service == service }
            let providerIds = Set(ofService.map(\.providerId)).sorted()
            if providerIds.isEmpty {
                rows.append([.key(service.labelKey), .literal("—"), .tally(Tally())]
                            + ReferralStatus.allCases.map { _ in .tally(Tally()) })
            }
            for id in providerIds {
                let matching = ofService.filter { $0.providerId == id }
                rows.append([.key(service.labelKey), .text(providers[id] ?? .literal("#\(id)")), .tally(tally(matching))]
                            + ReferralStatus.allCases.map { status in .tally(tally(matching.filter { $0.status == status })) })
            }
        }
        rows.append([.key("report.row.total"), .literal(""), .tally(tally(groups))]
                    + ReferralStatus.allCases.map { status in .tally(tally(groups.filter { $0.status == status })) })
        return ReportTable(title: .key("report.referrals.by-service"),
                           columns: [.key("report.column.service"), .key("report.column.provider"),
                                     .key("report.column.total")] + ReferralStatus.allCases.map { .key($0.labelKey) },
                           rows: rows)
    }

    /// Distinct people with a referral sent in the period (not drafts), and
    /// those enrolled, each counted once, by their age at their first
    /// referral (or enrolment) in the period and in its area.
    static func peopleReached(_ db: Database, _ scope: ReportScope) throws -> ReportTable {
        func bands(_ counts: [TallyKey: Int]) -> [Tally] {
            var bands = scope.emptyBands
            for (key, n) in counts { bands[scope.band(AgeClass.lowerAge(key.ageClass))].add(key.sex, n) }
            return bands
        }
        let referred = bands(try scope.tally(db, ReferralMeasure.person))
        let enrolled = bands(try scope.tally(db, ReferralMeasure.enrolledPerson))
        return ReportTable(title: .key("report.referrals.people"),
                           columns: [.key("report.column.age"), .key("report.column.referred"),
                                     .key("report.column.enrolled")],
                           rows: scope.bands.indices.map { [.digits(scope.bands[$0].description), .tally(referred[$0]),
                                                           .tally(enrolled[$0])] }
                               + [[.key("report.row.total"), .tally(referred.sum), .tally(enrolled.sum)]],
                           note: .key("report.note.people-once"), chart: true)
    }

    static func endings(_ groups: [Group]) -> ReportTable {
        let ended = groups.filter { endings.contains($0.status) }
        let total = ended.reduce(0) { $0 + $1.n }
        var rows = endings.map { status -> [ReportCell] in
            let matching = ended.filter { $0.status == status }
            return [.key(status.labelKey), .tally(tally(matching)), .share(part: tally(matching).total, whole: total)]
        }
        rows.append([.key("report.row.total"), .tally(tally(ended)), .share(part: total, whole: total)])
        let completed = tally(ended.filter { $0.status == .completed }).total
        let droppedOut = tally(ended.filter { $0.status == .droppedOut }).total
        rows.append([.key("report.row.completion-rate"), .literal(""), .share(part: completed, whole: completed + droppedOut)])
        return ReportTable(title: .key("report.referrals.endings"),
                           columns: [.key("report.column.status"), .key("report.column.referrals"),
                                     .key("report.column.share")], rows: rows, note: .key("report.note.completion-rate"))
    }

    static func exitReasons(_ groups: [Group]) -> ReportTable {
        var rows: [[ReportCell]] = []
        for status in [ReferralStatus.droppedOut, .declined] {
            let matching = groups.filter { $0.status == status }
            let reasons = Set(matching.map(\.exitReason)).sorted()
            for reason in reasons.isEmpty ? [""] : reasons {
                let said: ReportCell = reason.isEmpty ? .key("report.row.not-recorded")
                    : ReferralExitReason(rawValue: reason).map { .key($0.labelKey) } ?? .literal(reason)
                rows.append([.key(status.labelKey), said,
                             .tally(tally(matching.filter { $0.exitReason == reason }))])
            }
        }
        return ReportTable(title: .key("report.referrals.exit-reasons"),
                           columns: [.key("report.column.status"), .key("report.column.reason"),
                                     .key("report.column.referrals")], rows: rows)
    }

    /// Median days from the day a referral was sent to the day the person
    /// enrolled (the days the moves took effect), per service.
    static func daysToEnrol(_ db: Database, _ scope: ReportScope) throws -> ReportTable {
        var days: [ServiceType?: [Int: Int]] = [:]
        var all: [Int: Int] = [:]
        var counted: [ServiceType?: Tally] = [:]
        for (key, n) in try scope.tally(db, ReferralMeasure.enrolDays) {
            let parts = key.key.split(separator: ReferralMeasure.separator, omittingEmptySubsequences: false)
            let service = parts.first.flatMap { ServiceType(rawValue: String($0)) }
            let value = max(0, parts.last.flatMap { Int($0) } ?? 0)
            days[service, default: [:]][value, default: 0] += n
            all[value, default: 0] += n
            counted[service, default: Tally()].add(key.sex, n)
        }
        var table = ServiceType.allCases.map { service -> [ReportCell] in
            [.key(service.labelKey), .days(median(counts: days[service] ?? [:])), .tally(counted[service] ?? Tally())]
        }
        table.append([.key("report.row.all-services"), .days(median(counts: all)), .tally(Array(counted.values).sum)])
        return ReportTable(title: .key("report.referrals.days-to-enrol"),
                           columns: [.key("report.column.service"), .key("report.column.median-days"),
                                     .key("report.column.referrals")], rows: table)
    }

    static func outcomes(_ groups: [Group]) -> ReportTable {
        let completed = groups.filter { $0.status == .completed }
        var rows = ReferralOutcome.allCases.map { outcome -> [ReportCell] in
            [.key(outcome.labelKey), .tally(tally(completed.filter { $0.outcome == outcome }))]
        }
        rows.append([.key("report.row.not-recorded"), .tally(tally(completed.filter { $0.outcome == nil }))])
        rows.append([.key("report.row.total"), .tally(tally(completed))])
        return ReportTable(title: .key("report.referrals.outcomes"),
                           columns: [.key("report.column.outcome"), .key("report.column.referrals")], rows: rows,
                           chart: true)
    }

    /// Per service: referrals sent (not drafts), and how many of them
    /// enrolled.
    static func needsAndServed(_ groups: [Group]) -> ReportTable {
        var rows = ServiceType.allCases.map { service -> [ReportCell] in
            let sent = groups.filter { $0.service == service && $0.status != .draft }
            let enrolled = sent.filter { enrolledStatuses.contains($0.status) }
            return [.key(service.labelKey), .tally(tally(sent)), .tally(tally(enrolled)),
                    .share(part: tally(enrolled).total, whole: tally(sent).total)]
        }
        let sent = groups.filter { $0.status != .draft }
        let enrolled = sent.filter { enrolledStatuses.contains($0.status) }
        rows.append([.key("report.row.total"), .tally(tally(sent)), .tally(tally(enrolled)),
                     .share(part: tally(enrolled).total, whole: tally(sent).total)])
        return ReportTable(title: .key("report.referrals.needs-served"),
                           columns: [.key("report.column.service"), .key("report.column.referred"),
                                     .key("report.column.enrolled"), .key("report.column.share")], rows: rows,
                           note: .key("report.note.needs-served"))
    }
}
