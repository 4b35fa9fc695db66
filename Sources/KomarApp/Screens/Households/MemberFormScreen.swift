import CaseDomain
import Localization
import CaseStore
import KhmerText
import Terminal

/// Adds a member to a household, or changes one (`memberId`): who they
/// are, schooling, work and migration (with the country when abroad:
/// one of the usual destinations, or another typed in).
@MainActor
final class MemberFormScreen: DraftableScreen {
    var titleKey: String { memberId == nil ? "member.title" : "member.edit-title" }
    private let session: Session
    private let householdId: Int64
    private let nameKm = TextField(maxLength: 100)
    private let nameLatin = TextField(maxLength: 100)
    private let sex = ChoiceField(filterable: false)
    private let birthDate = DateField()
    private let estimatedAge = TextField(kind: .number, maxLength: 3)
    private let relationship = ChoiceField()
    private let inSchool = ChoiceField(filterable: false)
    private let occupation = TextField(maxLength: 100)
    private let migration = ChoiceField(filterable: false)
    private let destination = ChoiceField()
    private let otherCountry = TextField(maxLength: 60)
    private let phone = TextField(kind: .phone, maxLength: 20)
    let form: Form
    private let memberId: Int64?
    /// The member as loaded, and its version, when editing.
    /// The head's age, to ask about a relationship the ages make unlikely
    /// (nil: no head, or no age to compare).
    private var headAge: Int?
    private var loaded: (input: MemberInput, version: Int)?
    /// The form as it opened: what "unchanged" means, and the base of a
    /// merge.
    private var baseline: FormSnapshot = [:]

    var draftKey: DraftKey { DraftKey("member", record: memberId.map(String.init) ?? "new-\(householdId)") }
    var draftContext: [String: String] { ["household": String(householdId)] }

    func draftTitle(_ t: Localizer, app: App) -> String {
        let name = nameKm.text.isEmpty ? nameLatin.text : nameKm.text
        return t("draft.title-member", name.isEmpty ? "…" : name)
    }

    init(app: App, session: Session, householdId: Int64, memberId: Int64? = nil) {
        self.session = session
        self.householdId = householdId
        self.memberId = memberId
        form = Form(fields: [
            FormField(id: "nameKm", label: "field.name-km", widget: nameKm, required: true),
            FormField(id: "nameLatin", label: "field.name-latin", widget: nameLatin),
            FormField(id: "sex", label: "field.sex", widget: sex, required: true),
            FormField(id: "birthDate", label: "field.birth-date", widget: birthDate),
            FormField(id: "estimatedAge", label: "field.estimated-age", widget: estimatedAge),
            FormField(id: "relationship", label: "field.relationship", widget: relationship, required: true),
            FormField(id: "inSchool", label: "field.in-school", widget: inSchool),
            FormField(id: "occupation", label: "field.occupation", widget: occupation),
            FormField(id: "migration", label: "field.migration", widget: migration, required: true),
            FormField(id: "destination", label: "field.migration-country", widget: destination, required: true),
            // The id of the country field before there was a list: older drafts put their text here.
            FormField(id: "migrationCountry", label: "field.other-country", widget: otherCountry, required: true),
            FormField(id: "phone", label: "field.phone", widget: phone),
        ])
        sex.setOptions(app.options(Sex.self))
        relationship.setOptions(app.options(Relationship.self).filter { $0.id != Relationship.head.rawValue })
        relationship.select(Relationship.child.rawValue)
        inSchool.setOptions(app.options(YesNoUnknown.self))
        migration.setOptions(app.options(MigrationStatus.self))
        migration.select(MigrationStatus.none.rawValue)
        migration.onSelect = { [unowned self] _ in self.showFields() }
        destination.setOptions(app.options(Destination.self) + [app.option(Self.otherCountry, labelKey: "destination.other")])
        destination.onSelect = { [unowned self] _ in self.showFields() }
        do { headAge = try app.services.households.headAge(session, householdId: householdId) } catch { app.report(error) }
        if let memberId {
            do {
                let stored = try app.services.households.member(session, id: memberId)
                fill(stored.input, app: app)
                loaded = stored
                // The head stays the head; their relationship is not a choice.
                form.field("relationship")?.isHidden = stored.input.relationship == .head
            } catch { app.report(error) }
        }
        showFields()
        baseline = form.snapshot()
    }

    private func fill(_ input: MemberInput, app: App) {
        nameKm.text = input.nameKm
        nameLatin.text = input.nameLatin
        sex.select(input.sex?.rawValue)
        switch input.birth {
        case .dateOfBirth(let dob)?: birthDate.text = FormInput.text(dob, app)
        case .estimatedAge(let years)?: estimatedAge.text = app.localizer.digitsForDisplay(String(years))
        case nil: break
        }
        if input.relationship != .head { relationship.select(input.relationship.rawValue) }
        inSchool.select(YesNoUnknown(input.inSchool).rawValue)
        occupation.text = input.occupation
        migration.select(input.migration.rawValue)
        if Destination(rawValue: input.migrationCountry) != nil {
            destination.select(input.migrationCountry)
            otherCountry.text = ""
        } else {
            destination.select(input.migrationCountry.isEmpty ? nil : Self.otherCountry)
            otherCountry.text = input.migrationCountry
        }
        phone.text = input.phone
    }

    /// What the form holds now, read without marking anything (for
    /// "unsaved changes").
    private var entered: MemberInput {
        var input = MemberInput()
        input.nameKm = nameKm.text
        input.nameLatin = nameLatin.text
        input.sex = sex.selectedId.flatMap(Sex.init(rawValue:))
        if let dob = try? LocalDate.parse(userInput: birthDate.text).get() {
            input.birth = .dateOfBirth(dob)
        } else if let age = Digits.parseInt(estimatedAge.text.trimmingSpaces()) {
            input.birth = .estimatedAge(age)
        }
        input.relationship = loaded?.input.relationship == .head
            ? .head : relationship.selectedId.flatMap(Relationship.init(rawValue:)) ?? .other
        input.inSchool = FormInput.yesNo(inSchool)
        input.occupation = occupation.text
        input.migration = migration.selectedId.flatMap(MigrationStatus.init(rawValue:)) ?? .none
        input.migrationCountry = switch destination.selectedId {
        case nil: ""
        case .some(Self.otherCountry): recognised(otherCountry.text) ?? otherCountry.text
        case .some(let code): code
        }
        input.phone = phone.text
        return input
    }

    /// The choice that asks for a country's name.
    private static let otherCountry = "other"

    /// A usual destination typed as another country ("Thailand", "ថៃ",
    /// "ប្រទេសថៃ"): its code, so the report counts it with the others.
    private func recognised(_ typed: String) -> String? {
        Destination.named(typed) { code in
            destination.options.first { $0.id == code.rawValue }?.labels ?? []
        }?.rawValue
    }

    private func showFields() {
        let abroad = migration.selectedId == MigrationStatus.migratedAbroad.rawValue
        form.field("destination")?.isHidden = !abroad
        form.field("migrationCountry")?.isHidden = !abroad || destination.selectedId != Self.otherCountry
    }

    /// A draft from before the list of countries held the text alone.
    func restoreDraft(_ payload: String, app: App) -> Bool {
        guard let draft = DraftPayload.decode(payload) else { return false }
        form.restore(draft.fields) { app.localizer.digitsForDisplay($0) }
        if destination.selectedId == nil && !otherCountry.text.trimmingSpaces().isEmpty {
            destination.select(Self.otherCountry)
        }
        showFields()
        if let focus = draft.focus { form.focus(focus) }
        return true
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func save(app: App) {
        form.clearMessages()
        var failed = false
        var input = entered
        // The birth again, this time with a message under a bad date.
        let dob = FormInput.date(birthDate, id: "birthDate", in: form, app: app, failed: &failed)
        let ageText = estimatedAge.text.trimmingSpaces()
        if dob != nil && !ageText.isEmpty {
            form.field("estimatedAge")?.message = app.fieldMessage("error.birth-or-age")
            failed = true
        }
        input.birth = dob.map { .dateOfBirth($0) } ?? Digits.parseInt(ageText).map { .estimatedAge($0) }
        var issues = Dictionary(uniqueKeysWithValues: MemberRules.validate(input, today: app.services.clock.today)
            .map { ($0.key.rawValue, $0.value) })
        if issues["name"] != nil { issues["nameKm"] = issues.removeValue(forKey: "name") }
        if issues["birth"] != nil { issues["birthDate"] = issues.removeValue(forKey: "birth") }
        if issues["migrationCountry"] != nil && destination.selectedId != Self.otherCountry {
            issues["destination"] = issues.removeValue(forKey: "migrationCountry")
        }
        if failed { issues = issues.filter { $0.key != "birthDate" } }
        guard issues.isEmpty && !failed else {
            FormInput.show(issues, in: form, app: app)
            return
        }
        let today = app.services.clock.today
        if input.relationship != .head, let age = input.birth?.age(on: today), let headAge,
           MemberRules.relationshipIsUnlikely(input.relationship, age: age, headAge: headAge) {
            let relationship = input.relationship
            app.confirm({ t in
                t("member.relationship-unlikely", t.number(age), t(relationship.labelKey), t.number(headAge))
            }) { [unowned self, unowned app] in self.commit(input, app: app) }
            return
        }
        commit(input, app: app)
    }

    private func commit(_ input: MemberInput, app: App) {
        do {
            if let memberId, let loaded {
                try app.services.households.updateMember(session, id: memberId, input, expectedVersion: loaded.version,
                                                          draft: app.draftRef(self))
                app.draftSaved(self)
                self.loaded = nil
                app.pop()
                app.show(style: .heading) { t in t("member.updated", [input.nameKm, input.nameLatin].first { !$0.isEmpty } ?? "") }
            } else {
                let member = try app.services.households.addMember(session, householdId: householdId, input,
                                                                   draft: app.draftRef(self))
                app.draftSaved(self)
                app.pop()
                app.show(style: .heading) { t in t("member.saved", member.displayName) }
            }
        } catch StoreError.changedElsewhere {
            merge(app)
        } catch {
            FormInput.showFailure(error, in: form, app: app)
        }
    }

    /// Someone else saved the member meanwhile: their changes and the
    /// user's are merged, and the next F2 saves over their version.
    private func merge(_ app: App) {
        guard let memberId else { return }
        do {
            let mine = form.snapshot()
            let stored = try app.services.households.member(session, id: memberId)
            fill(stored.input, app: app)
            let theirs = form.snapshot()
            let base = baseline
            loaded = stored
            baseline = theirs
            FormMerge.merge(form: form, base: base, mine: mine, theirs: theirs, changedBy: "", app: app)
            showFields()
        } catch { app.report(error) }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        form.render(into: &canvas, at: Rect(row: area.row + 1, col: 1, width: area.width - 2, height: area.height - 1),
                    env: app.widgetEnvironment)
    }
}
