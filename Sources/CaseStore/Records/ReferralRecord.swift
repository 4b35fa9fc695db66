import CaseDomain
import Foundation
import GRDB

/// A row of `referral`. Who was referred and where they live are copied
/// onto it (name, sex, age at referral, village, commune, district), so
/// the coordinator's filters read the referral table's own indexes;
/// `finished` is set once the status is final.
struct ReferralRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "referral"

    var id: Int64?
    var code: String
    var caseId: Int64?
    var memberId: Int64?
    var householdId: Int64?
    var providerId: Int64
    var service: ServiceType
    var reason: String
    var priority: ReferralPriority
    var consentRecorded: Bool
    var status: ReferralStatus
    var statusChangedAt: Date
    var exitReason: String?
    var outcome: ReferralOutcome?
    var outcomeNotes: String
    var personNameKm: String
    var personNameLatin: String
    var sex: Sex
    var age: Int
    var villageCode: String
    var communeCode: String
    var districtCode: String
    var referredOn: String
    var finished: Bool
    var createdAt: Date
    var updatedAt: Date
    var createdBy: Int64?
    var version: Int
}

/// A row of `referral_transition`: one dated move of a referral.
struct ReferralTransitionRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "referral_transition"

    var id: Int64?
    var referralId: Int64
    var fromStatus: ReferralStatus?
    var toStatus: ReferralStatus
    var at: Date
    var byUser: Int64?
    var note: String
    /// ISO date the move happened.
    var effectiveOn: String?

}
