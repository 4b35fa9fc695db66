import CaseDomain
import Foundation
import GRDB

/// A row of `household`. The head is also stored as the first member;
/// `search_key` folds the head's names for the short-query fallback.
struct HouseholdRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "household"

    var id: Int64?
    var code: String
    var headNameKm: String
    var headNameLatin: String
    var searchKey: String
    var villageCode: String
    var addressDetail: String
    var phone: String
    var idPoor: IDPoorStatus
    var vulnerabilities: CodeSet<Vulnerability>
    var riskScore: Int
    var riskLevel: RiskLevel?
    var riskOverride: RiskLevel?
    var riskOverrideReason: String?
    var status: HouseholdStatus
    var createdAt: Date
    var updatedAt: Date
    var createdBy: Int64?
    var version: Int

    /// The household as its registration form shows it.
    var input: HouseholdInput {
        var input = HouseholdInput()
        input.headNameKm = headNameKm
        input.headNameLatin = headNameLatin
        input.villageCode = villageCode
        input.addressDetail = addressDetail
        input.phone = phone
        input.idPoor = idPoor
        input.vulnerabilities = vulnerabilities.codes
        input.riskOverride = riskOverride
        input.riskOverrideReason = riskOverrideReason ?? ""
        input.status = status
        return input
    }
}

/// A row of `household_member`. An age given as an estimate is as of
/// `age_as_of`, and grows older with the calendar.
struct MemberRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "household_member"

    var id: Int64?
    var householdId: Int64
    var nameKm: String
    var nameLatin: String
    var sex: Sex
    var dateOfBirth: String?
    var estimatedAge: Int?
    var ageAsOf: String?
    var relationship: Relationship
    var inSchool: Bool?
    var occupation: String
    var migrationStatus: MigrationStatus
    var migrationCountry: String?
    var phone: String
    var searchKey: String
    var createdAt: Date
    var updatedAt: Date
    var createdBy: Int64?
    var version: Int

    var birthDate: LocalDate? { dateOfBirth.flatMap(LocalDate.init(iso:)) }

    func age(today: LocalDate) -> Int {
        BirthInfo.age(dateOfBirth: birthDate, estimatedAge: estimatedAge, asOf: ageAsOf.flatMap(LocalDate.init(iso:)),
                      today: today)
    }

    /// Stores `birth` as of `today`.
    mutating func setBirth(_ birth: BirthInfo, today: LocalDate) {
        switch birth {
        case .dateOfBirth(let date): (dateOfBirth, estimatedAge) = (date.iso, nil)
        case .estimatedAge(let years): (dateOfBirth, estimatedAge, ageAsOf) = (nil, years, today.iso)
        }
    }

    func member(today: LocalDate) -> HouseholdMember {
        HouseholdMember(
            id: id ?? 0, householdId: householdId, nameKm: nameKm, nameLatin: nameLatin, sex: sex,
            age: age(today: today), ageIsEstimated: birthDate == nil, relationship: relationship, inSchool: inSchool,
            occupation: occupation, migration: migrationStatus, migrationCountry: migrationCountry, phone: phone)
    }

    /// The member as their form shows it: an estimated age brought up to today.
    func input(today: LocalDate) -> MemberInput {
        var input = MemberInput()
        input.nameKm = nameKm
        input.nameLatin = nameLatin
        input.sex = sex
        input.birth = birthDate.map { .dateOfBirth($0) } ?? .estimatedAge(age(today: today))
        input.relationship = relationship
        input.inSchool = inSchool
        input.occupation = occupation
        input.migration = migrationStatus
        input.migrationCountry = migrationCountry ?? ""
        input.phone = phone
        return input
    }
}
