import CaseDomain
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

extension IntakeDraft {
    /// A saved case as the form shows it, for correcting it.
    @MainActor
    init(_ input: IntakeInput, app: App) {
        childNameKm = input.childNameKm
        childNameLatin = input.childNameLatin
        sex = input.sex?.rawValue
        switch input.birth {
        case .dateOfBirth(let dob)?: birthDate = FormInput.text(dob, app)
        case .estimatedAge(let years)?: estimatedAge = app.localizer.digitsForDisplay(String(years))
        case nil: break
        }
        village = input.villageCode
        concerns = input.concerns.map(\.rawValue).sorted()
        narrative = input.narrative
        reporter = input.reporter?.rawValue
        reportedDate = input.reportedDate.map { FormInput.text($0, app) } ?? ""
        ethnicity = input.ethnicity?.rawValue
        disability = YesNoUnknown(input.disability).rawValue
        inSchool = YesNoUnknown(input.inSchool).rawValue
        caregiverConsent = YesNoUnknown(input.caregiverConsent).rawValue
        childAssent = YesNoUnknown(input.childAssent).rawValue
        consentBy = input.consentRecordedBy
        consentDate = input.consentDate.map { FormInput.text($0, app) } ?? ""
        riskAnswers = input.riskAnswers.map(\.rawValue).sorted()
        householdId = input.householdId.map(String.init)
    }
}
