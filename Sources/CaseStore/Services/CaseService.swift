import CaseDomain
import Foundation
import GRDB
import KhmerText

/// The intake was refused; `issues` says which fields and why.
public struct IntakeRejected: Error, Equatable, Sendable {
    public let issues: [FieldIssue]
}

/// Child protection cases: intake, listing and reading, each checked against
/// the permission policy and written to the audit log.
public struct CaseService: Sendable {
    let store: StoreContext

    /// Registers a new case with status `new`. Validation errors (not
    /// warnings) refuse it with `IntakeRejected`.
    @discardableResult
    public func createIntake(_ session: Session, _ input: IntakeInput, savedDespite duplicates: [String] = [],
                             draft: DraftRef? = nil) throws -> CaseSummary {
        try session.require(.createIntake)
        if input.riskOverride != nil && input.riskOverride != input.proposedRisk { try session.require(.assessRisk) }
        let today = store.today
        let blocking = IntakeRules.validate(input, today: today).filter { !$0.isWarning }
        guard blocking.isEmpty, let sex = input.sex, let birth = input.birth, let village = input.villageCode,
              let reporter = input.reporter else {
            throw IntakeRejected(issues: blocking)
        }
        let now = store.now
        return try store.write(clearing: draft, for: session) { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM place WHERE code = ? AND level = 'village'",
                                   arguments: [village]) != nil else {
                throw IntakeRejected(issues: [FieldIssue(.village, "error.village-required")])
            }
            if let household = input.householdId {
                let scope = try Visibility.households(session)
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM household WHERE id = ? AND \(scope.sql)",
                                       arguments: [household] + scope.arguments) != nil else {
                    throw IntakeRejected(issues: [FieldIssue(.household, "error.household-missing")])
                }
            }
            let office = try OfficeIdentity.codeForNewRecords(db)
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(code_number) FROM child_case WHERE code_year = ?",
                                           arguments: [today.year]) ?? 0) + 1
            let nameKm = input.childNameKm.trimmingSpaces().canonicallyComposed
            let nameLatin = input.childNameLatin.trimmingSpaces()
            var dob: String?
            var estimated: Int?
            switch birth {
            case .dateOfBirth(let d): dob = d.iso
            case .estimatedAge(let years): estimated = years
            }
            let reported = input.reportedDate ?? today
            var record = CaseRecord(
                id: nil, code: CaseCode.make(year: today.year, number: number, office: office), codeYear: today.year,
                codeNumber: number, childNameKm: nameKm, childNameLatin: nameLatin, sex: sex.rawValue,
                dateOfBirth: dob, estimatedAge: estimated, ageAsOf: reported.iso, villageCode: village,
                concerns: Concern.allCases.filter(input.concerns.contains).map(\.rawValue).joined(separator: ","),
                narrative: input.narrative.canonicallyComposed, reportedBy: reporter.rawValue,
                reportedDate: reported.iso, riskLevel: input.riskLevel.rawValue, status: CaseStatus.new.rawValue,
                searchKey: SearchKey.make(nameKm) + " " + SearchKey.make(nameLatin),
                createdAt: now, updatedAt: now, createdBy: session.user.id, version: 1,
                ethnicity: input.ethnicity?.rawValue, disability: input.disability, inSchool: input.inSchool,
                immediateDanger: input.riskAnswers.contains(.immediateDanger),
                caregiverConsent: input.caregiverConsent, childAssent: input.childAssent,
                consentBy: input.consentRecordedBy.trimmingSpaces().isEmpty ? nil : input.consentRecordedBy.trimmingSpaces(),
                consentDate: input.consentDate?.iso,
                riskOverrideReason: input.riskOverride == nil || input.riskOverride == input.proposedRisk
                    ? nil : input.riskOverrideReason.trimmingSpaces(),
                riskAnswers: RiskQuestion.allCases.filter(input.riskAnswers.contains).map(\.rawValue)
                    .joined(separator: ","), householdId: input.householdId)
            try record.insert(db)
            try CaseSearchIndex.index(db, record)
            try CaseEvents.add(db, caseId: record.id!, at: now, by: session.user.id, kind: .intake, statusTo: .new)
            var summary = record.code
            if !duplicates.isEmpty { summary += "; saved despite possible duplicates " + duplicates.joined(separator: ", ") }
            try store.audit(db, session, .create, entity: "case", id: record.id, summary: summary)
            return record.summary(today: today)
        }
    }

    /// Everything about one case; the read is audited (a sensitive view).
    public func caseDetail(_ session: Session, id: Int64) throws -> CaseDetail {
        let today = store.today
        return try store.write { db in
            let record = try Self.visibleCase(db, session, id: id)
            let creator = try String.fetchOne(db, sql: "SELECT display_name FROM user WHERE id = ?",
                                              arguments: [record.createdBy]) ?? ""
            let status = try Row.fetchOne(db, sql: """
                SELECT user.display_name AS assigned, NOT user.is_active AS disabled,
                  child_case.closure_reason AS reason FROM child_case
                LEFT JOIN user ON user.id = child_case.assigned_to WHERE child_case.id = ?
                """, arguments: [id])
            try store.audit(db, session, .view, entity: "case", id: record.id, summary: record.code)
            return CaseDetail(
                summary: record.summary(today: today), birth: record.birth,
                concerns: record.concerns.split(separator: ",").compactMap { Concern(rawValue: String($0)) },
                narrative: record.narrative, reporter: Reporter(rawValue: record.reportedBy) ?? .other,
                createdByName: creator, createdAt: record.createdAt, version: record.version,
                assignedToName: status?["assigned"], assigneeDisabled: status?["disabled"] ?? false,
                closureReason: (status?["reason"] as String?).flatMap(ClosureReason.init(rawValue:)),
                background: record.background,
                household: try record.householdId.flatMap { try Self.householdLink(db, id: $0) })
        }
    }

    /// The household a case belongs to, without reading (and auditing) the
    /// whole case file.
    public func householdLink(_ session: Session, caseId: Int64) throws -> HouseholdLink? {
        try store.read { db in
            try Self.visibleCase(db, session, id: caseId).householdId.flatMap { try Self.householdLink(db, id: $0) }
        }
    }

    /// The case `id` if the session may see it; refused when it exists but
    /// is someone else's, not found when it does not exist.
    static func visibleCase(_ db: Database, _ session: Session, id: Int64) throws -> CaseRecord {
        let scope = try Visibility.cases(session)
        if let record = try CaseRecord.fetchOne(db, sql: "SELECT * FROM child_case WHERE child_case.id = ? AND \(scope.sql)",
                                                arguments: [id] + scope.arguments) {
            return record
        }
        if try CaseRecord.fetchOne(db, key: id) != nil {
            throw PermissionDenied(role: session.user.role, action: .viewAllCases)
        }
        throw StoreError.notFound
    }

    static func householdLink(_ db: Database, id: Int64) throws -> HouseholdLink? {
        try Row.fetchOne(db, sql: "SELECT code, head_name_km, head_name_latin FROM household WHERE id = ?",
                         arguments: [id]).map { row in
            HouseholdLink(id: id, code: row["code"], headNameKm: row["head_name_km"], headNameLatin: row["head_name_latin"])
        }
    }
}
