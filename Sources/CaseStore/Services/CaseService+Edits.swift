import CaseDomain
import Foundation
import GRDB
import KhmerText

/// An edit refused because someone else saved the case after it was
/// opened for editing. `current` is the case as it is now, so the screen
/// can show what they changed while keeping what the user typed.
public struct CaseEditConflict: Error, Equatable, Sendable {
    public let current: IntakeInput
    public let version: Int
    /// Who saved the case last.
    public let changedBy: String
}

/// Correcting a saved case: the child, place, household, concerns, what
/// happened, the reporter and consent. Optimistic concurrency: the edit
/// names the version it started from; a newer one gives
/// `CaseEditConflict` and nothing is written.
extension CaseService {
    /// The case as the edit form starts from it, with its version and code.
    public func editableCase(_ session: Session, id: Int64) throws -> (input: IntakeInput, version: Int, code: String) {
        let scope = try Visibility.cases(session)
        let today = store.today
        return try store.read { db in
            guard let record = try CaseRecord.fetchOne(
                db, sql: "SELECT * FROM child_case WHERE child_case.id = ? AND \(scope.sql)", arguments: [id] + scope.arguments)
            else { throw StoreError.notFound }
            return (Self.input(record, today: today), record.version, record.code)
        }
    }

    /// Saves an edit made from `expectedVersion`. Refuses fields the
    /// intake rules refuse, closed cases, and other people's newer saves.
    public func editCase(_ session: Session, id: Int64, _ input: IntakeInput, expectedVersion: Int,
                draft: DraftRef? = nil) throws {
        let scope = try Visibility.cases(session)
        try session.require(.createIntake)
        let today = store.today
        let now = store.now
        var input = input
        input.riskOverride = nil
        let blocking = IntakeRules.validate(input, today: today).filter { !$0.isWarning }
        guard blocking.isEmpty, let sex = input.sex, let birth = input.birth, let village = input.villageCode,
              let reporter = input.reporter else { throw IntakeRejected(issues: blocking) }
        try store.write(clearing: draft, for: session) { db in
            guard var record = try CaseRecord.fetchOne(
                db, sql: "SELECT * FROM child_case WHERE child_case.id = ? AND \(scope.sql)", arguments: [id] + scope.arguments)
            else { throw StoreError.notFound }
            let status = CaseStatus(rawValue: record.status) ?? .new
            guard CaseStatusRules.mayEdit(role: session.user.role, status: status) else {
                throw PermissionDenied(role: session.user.role, action: .createIntake)
            }
            guard record.version == expectedVersion else {
                let by = try String.fetchOne(db, sql: """
                    SELECT user.display_name FROM case_event JOIN user ON user.id = case_event.by_user
                    WHERE case_event.case_id = ? ORDER BY case_event.id DESC LIMIT 1
                    """, arguments: [id]) ?? ""
                throw CaseEditConflict(current: Self.input(record, today: today), version: record.version, changedBy: by)
            }
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM place WHERE code = ? AND level = 'village'",
                                   arguments: [village]) != nil else {
                throw IntakeRejected(issues: [FieldIssue(.village, "error.village-required")])
            }
            if let household = input.householdId, household != record.householdId {
                let households = try Visibility.households(session)
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM household WHERE id = ? AND \(households.sql)",
                                       arguments: [household] + households.arguments) != nil else {
                    throw IntakeRejected(issues: [FieldIssue(.household, "error.household-missing")])
                }
            }
            let before = Self.input(record, today: today)
            let changed = input.differences(from: before)
            guard !changed.isEmpty else { return }
            record.childNameKm = input.childNameKm.trimmingSpaces().canonicallyComposed
            record.childNameLatin = input.childNameLatin.trimmingSpaces()
            record.sex = sex.rawValue
            if changed.contains(.birth) {
                switch birth {
                case .dateOfBirth(let dob):
                    record.dateOfBirth = dob.iso
                    record.estimatedAge = nil
                case .estimatedAge(let years):
                    record.dateOfBirth = nil
                    record.estimatedAge = years
                    record.ageAsOf = today.iso
                }
            }
            record.villageCode = village
            record.householdId = input.householdId
            record.concerns = Concern.allCases.filter(input.concerns.contains).map(\.rawValue).joined(separator: ",")
            record.narrative = input.narrative.canonicallyComposed
            record.reportedBy = reporter.rawValue
            record.reportedDate = (input.reportedDate ?? today).iso
            record.ethnicity = input.ethnicity?.rawValue
            record.disability = input.disability
            record.inSchool = input.inSchool
            record.caregiverConsent = input.caregiverConsent
            record.childAssent = input.childAssent
            let consentBy = input.consentRecordedBy.trimmingSpaces()
            record.consentBy = consentBy.isEmpty ? nil : consentBy
            record.consentDate = input.consentDate?.iso
            record.searchKey = SearchKey.make(record.childNameKm) + " " + SearchKey.make(record.childNameLatin)
            record.updatedAt = now
            record.version += 1
            try record.update(db)
            try CaseSearchIndex.index(db, record)
            let fields = changed.map(\.rawValue).joined(separator: ", ")
            try CaseEvents.add(db, caseId: id, at: now, by: session.user.id, kind: .edited, statusTo: nil, note: fields)
            try store.audit(db, session, .update, entity: "case", id: id, summary: record.code + ": " + fields)
        }
    }

    /// A stored case as the intake form's input; an estimated age is
    /// brought up to today, as the case file shows it.
    static func input(_ record: CaseRecord, today: LocalDate) -> IntakeInput {
        var input = IntakeInput()
        input.childNameKm = record.childNameKm
        input.childNameLatin = record.childNameLatin
        input.sex = Sex(rawValue: record.sex)
        switch record.birth {
        case .dateOfBirth(let dob): input.birth = .dateOfBirth(dob)
        case .estimatedAge(let years):
            let asOf = LocalDate(iso: record.ageAsOf) ?? today
            input.birth = .estimatedAge(years + max(0, asOf.years(until: today)))
        }
        input.villageCode = record.villageCode
        input.householdId = record.householdId
        input.concerns = Set(record.concerns.split(separator: ",").compactMap { Concern(rawValue: String($0)) })
        input.narrative = record.narrative
        input.reporter = Reporter(rawValue: record.reportedBy)
        input.reportedDate = LocalDate(iso: record.reportedDate)
        let background = record.background
        input.ethnicity = background.ethnicity
        input.disability = background.disability
        input.inSchool = background.inSchool
        input.caregiverConsent = background.caregiverConsent
        input.childAssent = background.childAssent
        input.consentRecordedBy = background.consentBy ?? ""
        input.consentDate = background.consentDate
        input.riskAnswers = Set(background.riskAnswers)
        return input
    }
}
