import Foundation

/// Everything typed on the intake form, as saved in a draft: the raw text
/// and choice ids, so a restored form looks exactly as it was left.
struct IntakeDraft: Codable, Equatable {
    static let form = "intake"

    var childNameKm = ""
    var childNameLatin = ""
    var sex: String?
    var birthDate = ""
    var estimatedAge = ""
    var province: String?
    var district: String?
    var commune: String?
    var village: String?
    var concerns: [String] = []
    var narrative = ""
    var reporter: String?
    var reportedDate = ""
    // Added after the first release of drafts: optional, so older drafts
    // still decode.
    var ethnicity: String?
    var disability: String?
    var inSchool: String?
    var caregiverConsent: String?
    var childAssent: String?
    var consentBy: String?
    var consentDate: String?
    var riskAnswers: [String]?
    var riskOverride: String?
    var riskOverrideReason: String?
    var householdId: String?
    var householdText: String?

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decode(_ payload: String) -> IntakeDraft? {
        try? JSONDecoder().decode(IntakeDraft.self, from: Data(payload.utf8))
    }
}
