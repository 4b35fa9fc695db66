import CaseDomain
import Foundation
import GRDB

/// A row of `child_case`: a child protection case. Internal, like every
/// record: screens see domain types only.
struct CaseRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "child_case"

    var id: Int64?
    var code: String
    var codeYear: Int
    var codeNumber: Int
    var childNameKm: String
    var childNameLatin: String
    var sex: String
    var dateOfBirth: String?
    var estimatedAge: Int?
    var ageAsOf: String
    var villageCode: String
    var concerns: String
    var narrative: String
    var reportedBy: String
    var reportedDate: String
    var riskLevel: String?
    var status: String
    var searchKey: String
    var createdAt: Date
    var updatedAt: Date
    var createdBy: Int64?
    var version: Int
    var ethnicity: String? = nil
    var disability: Bool? = nil
    var inSchool: Bool? = nil
    var immediateDanger = false
    var caregiverConsent: Bool? = nil
    var childAssent: Bool? = nil
    var consentBy: String? = nil
    var consentDate: String? = nil
    var riskOverrideReason: String? = nil
    var riskAnswers = ""
    var householdId: Int64? = nil

    var background: ChildBackground {
        ChildBackground(
            ethnicity: ethnicity.flatMap(Ethnicity.init(rawValue:)), disability: disability, inSchool: inSchool,
            caregiverConsent: caregiverConsent, childAssent: childAssent, consentBy: consentBy,
            consentDate: consentDate.flatMap(LocalDate.init(iso:)),
            riskAnswers: riskAnswers.split(separator: ",").compactMap { RiskQuestion(rawValue: String($0)) },
            riskOverrideReason: riskOverrideReason)
    }

    var birth: BirthInfo {
        if let dob = dateOfBirth.flatMap(LocalDate.init(iso:)) { return .dateOfBirth(dob) }
        return .estimatedAge(estimatedAge ?? 0)
    }

    func summary(today: LocalDate, villageNameKm: String = "", villageNameLatin: String = "") -> CaseSummary {
        let birth = self.birth
        let age: Int
        switch birth {
        case .dateOfBirth(let dob): age = dob.years(until: today)
        case .estimatedAge(let years):
            let asOf = LocalDate(iso: ageAsOf) ?? today
            age = years + max(0, asOf.years(until: today))
        }
        return CaseSummary(
            id: id ?? 0, code: code, childNameKm: childNameKm, childNameLatin: childNameLatin,
            sex: Sex(rawValue: sex) ?? .female, ageYears: age, ageIsEstimated: birth.isEstimated,
            villageCode: villageCode, status: CaseStatus(rawValue: status) ?? .new,
            riskLevel: riskLevel.flatMap(RiskLevel.init(rawValue:)),
            reportedDate: LocalDate(iso: reportedDate) ?? today, villageNameKm: villageNameKm,
            villageNameLatin: villageNameLatin, immediateDanger: immediateDanger)
    }
}

extension CaseRecord {
    /// Decodes by column name. Written out because the Codable decoding
    /// with snake-case keys converts every column name of every row, which
    /// made a page of 50 cases cost 12 ms.
    init(row: Row) throws {
        id = row["id"]
        code = row["code"]
        codeYear = row["code_year"]
        codeNumber = row["code_number"]
        childNameKm = row["child_name_km"]
        childNameLatin = row["child_name_latin"]
        sex = row["sex"]
        dateOfBirth = row["date_of_birth"]
        estimatedAge = row["estimated_age"]
        ageAsOf = row["age_as_of"]
        villageCode = row["village_code"]
        concerns = row["concerns"]
        narrative = row["narrative"]
        reportedBy = row["reported_by"]
        reportedDate = row["reported_date"]
        riskLevel = row["risk_level"]
        status = row["status"]
        searchKey = row["search_key"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        createdBy = row["created_by"]
        version = row["version"]
        ethnicity = row["ethnicity"]
        disability = row["disability"]
        inSchool = row["in_school"]
        immediateDanger = row["immediate_danger"]
        caregiverConsent = row["caregiver_consent"]
        childAssent = row["child_assent"]
        consentBy = row["consent_by"]
        consentDate = row["consent_date"]
        riskOverrideReason = row["risk_override_reason"]
        riskAnswers = row["risk_answers"]
        householdId = row["household_id"]
    }
}
