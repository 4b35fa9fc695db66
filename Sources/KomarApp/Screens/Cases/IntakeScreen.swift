import CaseDomain
import CaseStore
import KhmerText
import Localization
import Terminal

/// A new case: the child, where they live (province → district → commune →
/// village, each filtered by typing Khmer or Latin), concerns, what
/// happened and who reported it. F2 saves; Esc asks before discarding.
/// Opened on a saved case (`editing`), the same form corrects it: the risk
/// questions are left to review, and if someone else saved the case
/// meanwhile the user's entries stay and their changes are shown.
@MainActor
final class IntakeScreen: DraftableScreen {
    var titleKey: String { editing == nil ? "intake.title" : "case.edit-title" }
    private let session: Session

    private let nameKm = TextField(maxLength: 100)
    private let nameLatin = TextField(maxLength: 100)
    private let sex = ChoiceField(filterable: false)
    private let birthDate = DateField()
    private let estimatedAge = TextField(kind: .number, maxLength: 2)
    private let province = ChoiceField()
    private let district = ChoiceField()
    private let commune = ChoiceField()
    private let village = ChoiceField()
    private let household = PickerField(placeholderKey: "intake.household-none")
    private let concerns: MultiChoiceField
    private let narrative = TextArea(rows: 4)
    private let reporter = ChoiceField(filterable: false)
    private let reportedDate = DateField()
    private let ethnicity = ChoiceField()
    private let disability = ChoiceField(filterable: false)
    private let inSchool = ChoiceField(filterable: false)
    private let caregiverConsent = ChoiceField(filterable: false)
    private let childAssent = ChoiceField(filterable: false)
    private let consentBy = TextField(maxLength: 100)
    private let consentDate = DateField()
    private let riskAnswers: MultiChoiceField
    private let proposedRisk = Label("", style: .heading)
    private let riskOverride = ChoiceField()
    private let riskOverrideReason = TextField(maxLength: 300)
    let form: Form
    /// Warnings the user has seen; a second F2 saves despite them.
    private var acknowledgedWarnings: [FieldIssue] = []
    /// The case being corrected, if any.
    private let caseId: Int64?
    /// Which new intake this is, among those kept for later: "" for the
    /// first, another name for each started beside it.
    private let newIntake: String
    /// The correction's starting point: the version it edits and the form
    /// as the case was (what "unchanged" means, and the base of a merge).
    private var editing: (version: Int, code: String, baseline: FormSnapshot)?

    var draftKey: DraftKey { caseId.map { DraftKey("case-edit", record: String($0)) } ?? DraftKey("intake", record: newIntake) }

    func draftTitle(_ t: Localizer, app: App) -> String {
        let name = nameKm.text.isEmpty ? nameLatin.text : nameKm.text
        if let editing { return t("draft.title-case-edit", editing.code) }
        return t("draft.title-intake", name.isEmpty ? "…" : name)
    }

    /// A draft from before drafts were kept per terminal held the intake's
    /// own fields; those are read too.
    func restoreDraft(_ payload: String, app: App) -> Bool {
        let draft = DraftPayload.decode(payload)
        if let draft {
            form.restore(draft.fields) { app.localizer.digitsForDisplay($0) }
        } else if let legacy = IntakeDraft.decode(payload) {
            restore(legacy)
        } else {
            return false
        }
        showRiskFields()
        if let focus = draft?.focus { form.focus(focus) }
        return true
    }

    init(app: App, session: Session, editing caseId: Int64? = nil, newIntake: String = "") {
        self.session = session
        self.caseId = caseId
        self.newIntake = newIntake
        concerns = MultiChoiceField(options: app.options(Concern.self))
        // "None of these" is ticked, not assumed: an intake nobody assessed
        // was saved as Low and sank to the bottom of the review queue
        // (walk-through).
        riskAnswers = MultiChoiceField(options: app.options(RiskQuestion.self))
        form = Form(fields: [
            FormField(id: "childNameKm", label: "field.child-name-km", widget: nameKm, required: true),
            FormField(id: "childNameLatin", label: "field.child-name-latin", widget: nameLatin),
            FormField(id: "sex", label: "field.sex", widget: sex, required: true),
            FormField(id: "birthDate", label: "field.birth-date", widget: birthDate),
            FormField(id: "estimatedAge", label: "field.estimated-age", widget: estimatedAge),
            FormField(id: "province", label: "field.province", widget: province, required: true),
            FormField(id: "district", label: "field.district", widget: district, required: true),
            FormField(id: "commune", label: "field.commune", widget: commune, required: true),
            FormField(id: "village", label: "field.village", widget: village, required: true),
            FormField(id: "household", label: "field.household", widget: household),
            FormField(id: "concerns", label: "field.concerns", widget: concerns, required: true),
            FormField(id: "narrative", label: "field.narrative", widget: narrative, required: true),
            FormField(id: "reporter", label: "field.reporter", widget: reporter, required: true),
            FormField(id: "reportedDate", label: "field.reported-date", widget: reportedDate, required: true),
            FormField(id: "ethnicity", label: "field.ethnicity", widget: ethnicity),
            FormField(id: "disability", label: "field.disability", widget: disability),
            FormField(id: "inSchool", label: "field.in-school", widget: inSchool),
            FormField(id: "caregiverConsent", label: "field.caregiver-consent", widget: caregiverConsent),
            FormField(id: "childAssent", label: "field.child-assent", widget: childAssent),
            FormField(id: "consentBy", label: "field.consent-by", widget: consentBy),
            FormField(id: "consentDate", label: "field.consent-date", widget: consentDate),
            FormField(id: "riskAnswers", label: "field.risk-answers", widget: riskAnswers, required: caseId == nil),
            FormField(id: "proposedRisk", label: "field.proposed-risk", widget: proposedRisk),
            FormField(id: "riskOverride", label: "field.risk-override", widget: riskOverride),
            FormField(id: "riskOverrideReason", label: "field.risk-override-reason", widget: riskOverrideReason),
        ])
        ethnicity.setOptions(app.options(Ethnicity.self))
        for field in [disability, inSchool, caregiverConsent, childAssent] { field.setOptions(app.options(YesNoUnknown.self)) }
        riskOverride.setOptions(app.options(RiskLevel.self))
        riskOverride.placeholderKey = "field.keep-proposed"
        canAssessRisk = session.may(.assessRisk)
        form.field("riskOverride")?.isHidden = !canAssessRisk
        consentBy.text = session.user.displayName
        let now = app.services.clock.today
        consentDate.text = FormInput.text(now, app)
        riskOverride.onSelect = { [unowned self] _ in self.showRiskFields() }
        riskAnswers.onChange = { [unowned self] ids in self.keepNoneAlone(ids) }
        sex.setOptions(app.options(Sex.self))
        reporter.setOptions(app.options(Reporter.self))
        let today = app.services.clock.today
        reportedDate.text = FormInput.text(today, app)
        places = PlaceCascade(app: app, levels: [province, district, commune, village])
        do {
            let accounts = app.services.accounts
            places.select(code: try accounts.setting("office_district") ?? accounts.setting("office_province"))
        } catch { app.report(error) }
        household.onOpen = { [unowned self, unowned app] in
            app.push(HouseholdListScreen(app: app, session: session, villageCode: self.village.selectedId) {
                [unowned self] chosen in
                self.household.set(chosen)
            })
        }
        form.onSubmit = { [unowned self, unowned app] in self.save(app: app) }
        showRiskFields()
        if let caseId {
            do {
                let stored = try app.services.cases.editableCase(session, id: caseId)
                fill(from: stored.input, app: app)
                for id in ["riskAnswers", "proposedRisk", "riskOverride", "riskOverrideReason"] {
                    form.field(id)?.isHidden = true
                }
                editing = (stored.version, stored.code, form.snapshot())
            } catch { app.report(error) }
        }
    }

    /// Shows a saved case in the form, as it is stored.
    private func fill(from input: IntakeInput, app: App) {
        restore(IntakeDraft(input, app: app))
        household.set(nil)
        guard let id = input.householdId else { return }
        do {
            let summary = try app.services.households.summary(session, id: id)
            household.set(HouseholdListScreen.pickValue(id: id, code: summary.code, km: summary.headNameKm,
                                                        latin: summary.headNameLatin))
        } catch { app.report(error) }
    }

    private let canAssessRisk: Bool
    private var places: PlaceCascade!

    private var answers: Set<RiskQuestion> { Set(riskAnswers.selectedIds.compactMap(RiskQuestion.init(rawValue:))) }

    /// The option that says no risk factor applies.
    static let noRiskFactor = RiskQuestion.noneApply.rawValue
    /// The ticks before the last change, to tell which was just ticked.
    private var lastRiskTicks: Set<String> = []

    /// "None of these" and a risk factor exclude each other: ticking one
    /// unticks the other.
    private func keepNoneAlone(_ ids: Set<String>) {
        let ticked = ids.subtracting(lastRiskTicks)
        lastRiskTicks = ids
        if ticked.contains(Self.noRiskFactor), ids.count > 1 {
            riskAnswers.select([Self.noRiskFactor])
        } else if ticked.contains(where: { $0 != Self.noRiskFactor }), ids.contains(Self.noRiskFactor) {
            riskAnswers.select(ids.subtracting([Self.noRiskFactor]))
        }
    }

    /// Whether anyone answered the risk questions: a factor, or None.
    private var riskAssessed: Bool { !riskAnswers.selectedIds.isEmpty }

    /// The reason field only shows when the override differs from the
    /// proposal.
    private func showRiskFields() {
        let proposed = RiskAssessment.proposedLevel(answers)
        let override = riskOverride.selectedId.flatMap(RiskLevel.init(rawValue:))
        form.field("riskOverrideReason")?.isHidden = !canAssessRisk || override == nil || override == proposed
    }

    /// Puts a draft back; each place is chosen in order so the lists below
    /// it are filled as if the user had picked it.
    private func restore(_ d: IntakeDraft) {
        nameKm.text = d.childNameKm
        nameLatin.text = d.childNameLatin
        sex.select(d.sex)
        birthDate.text = d.birthDate
        estimatedAge.text = d.estimatedAge
        places.select(code: d.village ?? d.commune ?? d.district ?? d.province)
        concerns.select(Set(d.concerns))
        narrative.text = d.narrative
        reporter.select(d.reporter)
        reportedDate.text = d.reportedDate
        ethnicity.select(d.ethnicity)
        disability.select(d.disability)
        inSchool.select(d.inSchool)
        caregiverConsent.select(d.caregiverConsent)
        childAssent.select(d.childAssent)
        if let by = d.consentBy { consentBy.text = by }
        if let date = d.consentDate { consentDate.text = date }
        riskAnswers.select(Set(d.riskAnswers ?? []))
        riskOverride.select(d.riskOverride)
        riskOverrideReason.text = d.riskOverrideReason ?? ""
        if let id = d.householdId { household.set(PickerField.Value(id: id, text: d.householdText ?? id)) }
        showRiskFields()
    }

    var hasUnsavedChanges: Bool {
        if let editing { return form.snapshot() != editing.baseline }
        return !nameKm.text.isEmpty || !nameLatin.text.isEmpty || sex.selectedId != nil || !birthDate.text.isEmpty
            || !estimatedAge.text.isEmpty || village.selectedId != nil || !concerns.selectedIds.isEmpty
            || !narrative.text.isEmpty || reporter.selectedId != nil || household.value != nil
    }

    func handleInput(_ key: Key, app: App) -> Bool {
        let used = form.handle(key)
        if used { showRiskFields() }
        return used
    }

    private static let fieldIds: [IntakeField: String] = [
        .childNameKm: "childNameKm", .childNameLatin: "childNameLatin", .sex: "sex", .birth: "birthDate",
        .village: "village", .concerns: "concerns", .narrative: "narrative", .reporter: "reporter",
        .reportedDate: "reportedDate", .consentDate: "consentDate", .riskOverrideReason: "riskOverrideReason",
        .household: "household",
    ]

    /// Reads the form into an `IntakeInput`, noting fields that cannot be
    /// read (bad dates) as messages.
    private func readInput(_ app: App, problems: inout [(String, FieldMessage)]) -> IntakeInput {
        var input = IntakeInput()
        input.childNameKm = nameKm.text
        input.childNameLatin = nameLatin.text
        input.sex = sex.selectedId.flatMap(Sex.init(rawValue:))
        func parseDate(_ field: DateField, _ id: String) -> LocalDate? {
            guard !field.text.trimmingSpaces().isEmpty else { return nil }
            switch LocalDate.parse(userInput: field.text) {
            case .success(let date): return date
            case .failure(.malformed): problems.append((id, app.fieldMessage("error.date-format")))
            case .failure(.impossible): problems.append((id, app.fieldMessage("error.date-impossible")))
            }
            return nil
        }
        let dob = parseDate(birthDate, "birthDate")
        let ageText = estimatedAge.text.trimmingSpaces()
        if !birthDate.text.trimmingSpaces().isEmpty && !ageText.isEmpty {
            problems.append(("estimatedAge", app.fieldMessage("error.birth-or-age")))
        }
        if let dob {
            input.birth = .dateOfBirth(dob)
        } else if let age = Digits.parseInt(ageText) {
            input.birth = .estimatedAge(age)
        }
        input.villageCode = village.selectedId
        input.concerns = Set(concerns.selectedIds.compactMap(Concern.init(rawValue:)))
        input.narrative = narrative.text
        input.reporter = reporter.selectedId.flatMap(Reporter.init(rawValue:))
        if reportedDate.text.trimmingSpaces().isEmpty {
            problems.append(("reportedDate", app.fieldMessage("error.required")))
        } else {
            input.reportedDate = parseDate(reportedDate, "reportedDate")
        }
        input.ethnicity = ethnicity.selectedId.flatMap(Ethnicity.init(rawValue:))
        input.disability = disability.selectedId.flatMap(YesNoUnknown.init(rawValue:))?.bool
        input.inSchool = inSchool.selectedId.flatMap(YesNoUnknown.init(rawValue:))?.bool
        input.caregiverConsent = caregiverConsent.selectedId.flatMap(YesNoUnknown.init(rawValue:))?.bool
        input.childAssent = childAssent.selectedId.flatMap(YesNoUnknown.init(rawValue:))?.bool
        input.consentRecordedBy = consentBy.text
        input.consentDate = parseDate(consentDate, "consentDate")
        input.riskAnswers = answers
        if canAssessRisk { input.riskOverride = riskOverride.selectedId.flatMap(RiskLevel.init(rawValue:)) }
        input.riskOverrideReason = riskOverrideReason.text
        input.householdId = household.value.flatMap { Int64($0.id) }
        return input
    }

    /// Validates and saves. `despite` holds the codes of possible duplicates
    /// the user has seen and chose to save anyway; nil runs the check.
    func save(app: App) { save(app, despite: nil) }

    private func save(_ app: App, despite duplicates: [String]?) {
        form.clearMessages()
        var problems: [(String, FieldMessage)] = []
        let input = readInput(app, problems: &problems)
        let issues = IntakeRules.validate(input, today: app.services.clock.today)
        for issue in issues where !(issue.field == .birth && problems.contains { $0.0 == "birthDate" }) {
            let message = app.fieldMessage(isWarning: issue.isWarning) { t in
                issue.messageKey == "error.age-range" ? t("error.age-range", t.number(IntakeRules.maximumEstimatedAge))
                    : t(issue.messageKey)
            }
            // A message about the age goes under the field it was typed in.
            let ageTyped = if case .some(.estimatedAge) = input.birth { true } else { false }
            let id = issue.field == .village && village.options.isEmpty && commune.selectedId == nil
                ? (district.selectedId == nil ? (province.selectedId == nil ? "province" : "district") : "commune")
                : issue.field == .birth && ageTyped ? "estimatedAge" : Self.fieldIds[issue.field] ?? "childNameKm"
            if issue.isWarning {
                form.field(id)?.message = message
            } else {
                problems.append((id, message))
            }
        }
        if caseId == nil && !riskAssessed {
            problems.append(("riskAnswers", app.fieldMessage("error.risk-not-assessed")))
        }
        for (id, message) in problems { form.field(id)?.message = message }
        if let first = form.fields.first(where: { f in problems.contains { $0.0 == f.id } }) {
            form.focus(first.id)
            app.showError { [count = problems.count] t in t("form.fix-errors-count", t.number(count)) }
            return
        }
        let warnings = issues.filter(\.isWarning)
        if !warnings.isEmpty && warnings != acknowledgedWarnings {
            acknowledgedWarnings = warnings
            app.show(style: .warning) { $0("form.warnings-save-again") }
            return
        }
        if let caseId, let editing {
            saveEdit(app, input: input, caseId: caseId, version: editing.version)
            return
        }
        do {
            if duplicates == nil {
                let candidates = try app.services.cases.possibleDuplicates(session, input)
                if !candidates.isEmpty {
                    let codes = candidates.map(\.summary.code)
                    app.push(DuplicatesScreen(app: app, session: session, candidates: candidates) { [unowned self, unowned app] in
                        self.save(app, despite: codes)
                    })
                    return
                }
            }
            let saved = try app.services.cases.createIntake(session, input, savedDespite: duplicates ?? [],
                                                            draft: app.draftRef(self))
            app.draftSaved(self)
            app.replaceTop(with: CaseViewScreen(app: app, session: session, caseId: saved.id))
            app.show(style: .heading) { t in t("intake.saved", saved.code) }
        } catch let rejected as IntakeRejected {
            show(rejected, app)
        } catch {
            app.report(error)
        }
    }

    /// Saves a correction. If someone else saved the case since it was
    /// opened, nothing is written: their changes and the user's are merged
    /// field by field, fields both changed are shown side by side to
    /// choose, and the next F2 saves the result.
    private func saveEdit(_ app: App, input: IntakeInput, caseId: Int64, version: Int) {
        do {
            try app.services.cases.editCase(session, id: caseId, input, expectedVersion: version, draft: app.draftRef(self))
            app.draftSaved(self)
            editing = nil
            app.pop()
            app.show(style: .heading) { t in t("case.updated") }
        } catch let conflict as CaseEditConflict {
            guard let editing else { return }
            let mine = form.snapshot()
            fill(from: conflict.current, app: app)
            let theirs = form.snapshot()
            self.editing = (conflict.version, editing.code, theirs)
            FormMerge.merge(form: form, base: editing.baseline, mine: mine, theirs: theirs, changedBy: conflict.changedBy,
                            app: app)
            showRiskFields()
        } catch let rejected as IntakeRejected {
            show(rejected, app)
        } catch {
            app.report(error)
        }
    }

    /// What the service refused, under the fields it names.
    private func show(_ rejected: IntakeRejected, _ app: App) {
        for issue in rejected.issues {
            form.field(Self.fieldIds[issue.field] ?? "childNameKm")?.message = app.fieldMessage(issue.messageKey)
        }
        app.showError { [count = rejected.issues.count] t in t("form.fix-errors-count", t.number(count)) }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        proposedRisk.text = riskAssessed || caseId != nil ? app.localizer(RiskAssessment.proposedLevel(answers).labelKey)
            : app.localizer("intake.risk-not-assessed")
        form.render(into: &canvas, at: Rect(row: area.row + 1, col: 1, width: area.width - 2, height: area.height - 1),
                    env: app.widgetEnvironment)
    }
}

extension IntakeScreen {
    /// "New intake": a blank form, unless intakes were kept for later.
    /// Then the user continues one (the newest, or the list when several
    /// wait) or starts another beside them: one child's half-typed intake
    /// never stands in the way of the next child's.
    static func openNew(_ app: App, _ session: Session) {
        let kept: [Draft]
        do {
            kept = try app.services.drafts.unsaved(session, terminal: app.drafts.terminal).filter { $0.key.kind == "intake" }
        } catch {
            app.report(error)
            return
        }
        guard let newest = kept.max(by: { $0.updatedAt < $1.updatedAt }) else {
            app.push(IntakeScreen(app: app, session: session))
            return
        }
        let taken = Set(kept.map(\.key.record))
        var number = 1
        while taken.contains("new-\(number)") { number += 1 }
        let fresh = "new-\(number)"
        app.ask({ [unowned app] t in
            kept.count == 1 ? t("intake.kept-one", app.title(of: newest)) : t("intake.kept-several", t.number(kept.count))
        }, yes: "intake.continue-kept", other: "intake.start-another", no: "dialog.cancel", yes: { [unowned app] in
            if kept.count > 1 {
                app.push(UnsavedFormsScreen(app: app, session: session, drafts: kept))
            } else {
                app.push(IntakeScreen(app: app, session: session, newIntake: newest.key.record))
            }
        }, other: { [unowned app] in
            app.push(IntakeScreen(app: app, session: session, newIntake: fresh))
        })
        app.dialog?.box.select(.yes)
    }
}
