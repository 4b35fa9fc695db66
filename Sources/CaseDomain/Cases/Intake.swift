import KhmerText

/// How a child's age is known: a birth date, or an estimate in years when
/// nobody knows the date (common in rural Cambodia).
public enum BirthInfo: Equatable, Sendable {
    case dateOfBirth(LocalDate)
    case estimatedAge(Int)

    /// Age in whole years on `date`.
    public func age(on date: LocalDate) -> Int {
        switch self {
        case .dateOfBirth(let dob): return dob.years(until: date)
        case .estimatedAge(let years): return years
        }
    }

    public var isEstimated: Bool {
        if case .estimatedAge = self { return true }
        return false
    }
}

/// What a person filled in on the intake form, before it becomes a case.
public struct IntakeInput: Equatable, Sendable {
    public var childNameKm: String = ""
    public var childNameLatin: String = ""
    public var sex: Sex?
    public var birth: BirthInfo?
    public var villageCode: String?
    public var concerns: Set<Concern> = []
    public var narrative: String = ""
    public var reporter: Reporter?
    public var reportedDate: LocalDate?
    public var ethnicity: Ethnicity?
    public var disability: Bool?
    public var inSchool: Bool?
    public var caregiverConsent: Bool?
    /// Nil where the child is too young to be asked.
    public var childAssent: Bool?
    public var consentRecordedBy: String = ""
    public var consentDate: LocalDate?
    public var riskAnswers: Set<RiskQuestion> = []
    /// A level other than the proposed one, set by a social worker.
    public var riskOverride: RiskLevel?
    public var riskOverrideReason: String = ""
    /// The household the child lives in, when it is registered.
    public var householdId: Int64?

    public init() {}

    /// The level the answers propose.
    public var proposedRisk: RiskLevel { RiskAssessment.proposedLevel(riskAnswers) }

    /// The level the case starts with: the override where one was given.
    public var riskLevel: RiskLevel { riskOverride ?? proposedRisk }
}

/// The intake fields a validation message can point at.
public enum IntakeField: String, CaseIterable, Sendable {
    case childNameKm, childNameLatin, sex, birth, village, concerns, narrative, reporter, reportedDate
    case consentDate, riskOverrideReason, household
    case ethnicity, disability, inSchool, caregiverConsent, childAssent, consentBy
}

extension IntakeInput {
    /// The fields an edit of a saved case can change (the risk level
    /// changes through review, not here).
    public static let editableFields: [IntakeField] = [
        .childNameKm, .childNameLatin, .sex, .birth, .village, .household, .concerns, .narrative, .reporter,
        .reportedDate, .ethnicity, .disability, .inSchool, .caregiverConsent, .childAssent, .consentBy, .consentDate,
    ]

    /// The editable fields where `self` and `other` differ, in form order:
    /// what someone else changed, or what an edit changes.
    public func differences(from other: IntakeInput) -> [IntakeField] {
        Self.editableFields.filter { field in
            switch field {
            case .childNameKm: childNameKm.trimmingSpaces() != other.childNameKm.trimmingSpaces()
            case .childNameLatin: childNameLatin.trimmingSpaces() != other.childNameLatin.trimmingSpaces()
            case .sex: sex != other.sex
            case .birth: birth != other.birth
            case .village: villageCode != other.villageCode
            case .household: householdId != other.householdId
            case .concerns: concerns != other.concerns
            case .narrative: narrative.trimmingSpaces() != other.narrative.trimmingSpaces()
            case .reporter: reporter != other.reporter
            case .reportedDate: reportedDate != other.reportedDate
            case .ethnicity: ethnicity != other.ethnicity
            case .disability: disability != other.disability
            case .inSchool: inSchool != other.inSchool
            case .caregiverConsent: caregiverConsent != other.caregiverConsent
            case .childAssent: childAssent != other.childAssent
            case .consentBy: consentRecordedBy.trimmingSpaces() != other.consentRecordedBy.trimmingSpaces()
            case .consentDate: consentDate != other.consentDate
            case .riskOverrideReason: false
            }
        }
    }
}

/// A message about one field: an error blocks saving, a warning does not.
public struct FieldIssue: Equatable, Sendable {
    public let field: IntakeField
    public let messageKey: String
    public let isWarning: Bool

    public init(_ field: IntakeField, _ messageKey: String, warning: Bool = false) {
        self.field = field
        self.messageKey = messageKey
        self.isWarning = warning
    }
}

/// Intake rules (DESIGN §8): required fields, no future dates, a warning for
/// ages over 17 on a child case.
public enum IntakeRules {
    public static let maximumChildAge = 17
    public static let maximumEstimatedAge = 30
    public static let maximumNarrativeLength = 20_000

    public static func validate(_ input: IntakeInput, today: LocalDate) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if input.childNameKm.trimmingSpaces().isEmpty && input.childNameLatin.trimmingSpaces().isEmpty {
            issues.append(FieldIssue(.childNameKm, "error.name-required"))
        }
        if input.sex == nil { issues.append(FieldIssue(.sex, "error.required")) }
        switch input.birth {
        case nil:
            issues.append(FieldIssue(.birth, "error.birth-required"))
        case .dateOfBirth(let dob)?:
            if dob > today {
                issues.append(FieldIssue(.birth, "error.future-date"))
            } else if dob.years(until: today) > maximumChildAge {
                issues.append(FieldIssue(.birth, "warning.over-17", warning: true))
            }
        case .estimatedAge(let years)?:
            if years < 0 || years > maximumEstimatedAge {
                issues.append(FieldIssue(.birth, "error.age-range"))
            } else if years > maximumChildAge {
                issues.append(FieldIssue(.birth, "warning.over-17", warning: true))
            }
        }
        if let code = input.villageCode {
            if code.count != 8 || !code.allSatisfy(\.isASCII) || Int(code) == nil {
                issues.append(FieldIssue(.village, "error.village-required"))
            }
        } else {
            issues.append(FieldIssue(.village, "error.village-required"))
        }
        if input.concerns.isEmpty { issues.append(FieldIssue(.concerns, "error.concern-required")) }
        if input.narrative.trimmingSpaces().isEmpty {
            issues.append(FieldIssue(.narrative, "error.required"))
        } else if input.narrative.count > maximumNarrativeLength {
            issues.append(FieldIssue(.narrative, "error.too-long"))
        }
        if input.reporter == nil { issues.append(FieldIssue(.reporter, "error.required")) }
        if let reported = input.reportedDate, reported > today {
            issues.append(FieldIssue(.reportedDate, "error.future-date"))
        }
        if let consent = input.consentDate, consent > today {
            issues.append(FieldIssue(.consentDate, "error.future-date"))
        }
        if let override = input.riskOverride, override != input.proposedRisk,
           input.riskOverrideReason.trimmingSpaces().isEmpty {
            issues.append(FieldIssue(.riskOverrideReason, "error.override-reason"))
        }
        return issues
    }
}

extension BirthInfo {
    /// Age today of someone recorded with a birth date or with an estimated
    /// age as of `asOf` (an estimate grows older with the calendar).
    public static func age(dateOfBirth: LocalDate?, estimatedAge: Int?, asOf: LocalDate?, today: LocalDate) -> Int {
        if let dateOfBirth { return dateOfBirth.years(until: today) }
        return (estimatedAge ?? 0) + max(0, (asOf ?? today).years(until: today))
    }
}
