import CaseDomain
import Localization
import CaseStore
import KhmerText
import Terminal

/// Registers a household (head, village, ID Poor status, vulnerability
/// factors) or edits one. The risk score and the level it proposes are
/// shown as factors are ticked; a social worker may set another level with
/// a reason.
@MainActor
final class HouseholdFormScreen: DraftableScreen {
    var titleKey: String { householdId == nil ? "household.new-title" : "household.edit-title" }
    private let session: Session
    private let householdId: Int64?
    private var version = 0
    /// The factors the household's members make true (editing): they stay ticked.
    private var memberFactors: Set<String> = []
    private let headNameKm = TextField(maxLength: 100)
    private let headNameLatin = TextField(maxLength: 100)
    private let headSex = ChoiceField(filterable: false)
    private let headAge = TextField(kind: .number, maxLength: 3)
    private let province = ChoiceField()
    private let district = ChoiceField()
    private let commune = ChoiceField()
    private let village = ChoiceField()
    private let address = TextField(maxLength: 200)
    private let phone = TextField(kind: .phone, maxLength: 20)
    private let idPoor = ChoiceField(filterable: false)
    private let vulnerabilities: MultiChoiceField
    private let score = Label("", style: .heading)
    private let riskOverride = ChoiceField(filterable: false)
    private let riskOverrideReason = TextField(maxLength: 300)
    private let status = ChoiceField(filterable: false)
    let form: Form
    private var places: PlaceCascade!
    private let canAssessRisk: Bool
    private let onSaved: (() -> Void)?
    /// Set when registering from the intake: the new household is chosen
    /// there instead of opened.
    private let onRegistered: ((PickerField.Value) -> Void)?
    /// The form as it opened (the household as stored): what "unchanged"
    /// means, and the base of a merge.
    private var baseline: FormSnapshot = [:]
    /// The head's names and village the user was told are registered
    /// already; F2 again with them unchanged registers the household anyway.
    private var acknowledgedSameHead: [String]?

    var draftKey: DraftKey { DraftKey("household", record: householdId.map(String.init) ?? "") }

    func draftTitle(_ t: Localizer, app: App) -> String {
        let name = headNameKm.text.isEmpty ? headNameLatin.text : headNameKm.text
        return t(householdId == nil ? "draft.title-household-new" : "draft.title-household",
                             name.isEmpty ? "…" : name)
    }

    init(app: App, session: Session, householdId: Int64? = nil, villageCode: String? = nil,
         onSaved: (() -> Void)? = nil, onRegistered: ((PickerField.Value) -> Void)? = nil) {
        self.session = session
        self.householdId = householdId
        self.onSaved = onSaved
        self.onRegistered = onRegistered
        vulnerabilities = MultiChoiceField(options: app.options(Vulnerability.self))
        form = Form(fields: [
            FormField(id: "headNameKm", label: "field.head-name-km", widget: headNameKm, required: true),
            FormField(id: "headNameLatin", label: "field.head-name-latin", widget: headNameLatin),
            FormField(id: "headSex", label: "field.head-sex", widget: headSex, required: true),
            FormField(id: "headAge", label: "field.head-age", widget: headAge, required: true),
            FormField(id: "province", label: "field.province", widget: province, required: true),
            FormField(id: "district", label: "field.district", widget: district, required: true),
            FormField(id: "commune", label: "field.commune", widget: commune, required: true),
            FormField(id: "village", label: "field.village", widget: village, required: true),
            FormField(id: "address", label: "field.address", widget: address),
            FormField(id: "phone", label: "field.phone", widget: phone),
            FormField(id: "idPoor", label: "field.id-poor", widget: idPoor, required: true),
            FormField(id: "vulnerabilities", label: "field.vulnerabilities", widget: vulnerabilities),
            FormField(id: "score", label: "field.risk-score", widget: score),
            FormField(id: "riskOverride", label: "field.risk-override", widget: riskOverride),
            FormField(id: "riskOverrideReason", label: "field.risk-override-reason", widget: riskOverrideReason),
            FormField(id: "status", label: "households.status", widget: status, required: true),
        ])
        headSex.setOptions(app.options(Sex.self))
        idPoor.setOptions(app.options(IDPoorStatus.self))
        idPoor.select(IDPoorStatus.none.rawValue)
        riskOverride.setOptions(app.options(RiskLevel.self))
        riskOverride.placeholderKey = "field.keep-proposed"
        status.setOptions(app.options(HouseholdStatus.self))
        status.select(HouseholdStatus.active.rawValue)
        canAssessRisk = session.may(.assessRisk)
        places = PlaceCascade(app: app, levels: [province, district, commune, village])
        form.field("headSex")?.isHidden = householdId != nil
        form.field("headAge")?.isHidden = householdId != nil
        form.field("status")?.isHidden = householdId == nil
        form.field("riskOverride")?.isHidden = !canAssessRisk
        if let householdId {
            do {
                let stored = try app.services.households.input(session, id: householdId)
                memberFactors = Set(try app.services.households.memberFactors(session, id: householdId).map(\.rawValue))
                fill(stored.input)
                version = stored.version
            } catch { app.report(error) }
        } else {
            do {
                let accounts = app.services.accounts
                places.select(code: try villageCode ?? accounts.setting("office_district")
                              ?? accounts.setting("office_province"))
            } catch { app.report(error) }
        }
        riskOverride.onSelect = { [unowned self] _ in self.showRiskFields() }
        vulnerabilities.onChange = { [unowned self, unowned app] _ in
            // What the head and the members make true stays ticked, and the status line says why (walk-through:
            // unticked, the form showed one score and the save kept another).
            let femaleHeaded = Vulnerability.femaleHeaded.rawValue
            let ticked = self.vulnerabilities.selectedIds
            let head = self.headSex.selectedId.flatMap(Sex.init(rawValue:))
            if head == .female && !ticked.contains(femaleHeaded) {
                self.vulnerabilities.select(ticked.union([femaleHeaded]))
                app.show { t in t("household.female-headed-follows-head") }
            } else if head == .male && ticked.contains(femaleHeaded) {
                self.vulnerabilities.select(ticked.subtracting([femaleHeaded]))
                app.show { t in t("household.female-headed-follows-head") }
            } else if let elderly = self.headIsElderly,
                      elderly != ticked.contains(Vulnerability.elderlyHeaded.rawValue) {
                self.tickElderly()
                app.show { t in t("household.elderly-headed-follows-head") }
            } else if !self.memberFactors.isSubset(of: ticked) {
                self.vulnerabilities.select(ticked.union(self.memberFactors))
                app.show { t in t("household.factor-follows-members") }
            }
            self.showRiskFields()
        }
        idPoor.onSelect = { [unowned self] _ in self.showRiskFields() }
        // A head of 60 or over ticks "Elderly-headed" as the save would; a younger one unticks it.
        headAge.onChange = { [unowned self] _ in
            self.tickElderly()
            self.showRiskFields()
        }
        // A woman at the head ticks "Female-headed" as the save would; a man unticks it.
        headSex.onSelect = { [unowned self] sex in
            var ticked = self.vulnerabilities.selectedIds
            if sex == Sex.female.rawValue { ticked.insert(Vulnerability.femaleHeaded.rawValue) }
            else { ticked.remove(Vulnerability.femaleHeaded.rawValue) }
            self.vulnerabilities.select(ticked)
            self.showRiskFields()
        }
        showRiskFields()
        baseline = form.snapshot()
    }

    /// Whether the head's age typed makes the household elderly-headed; nil while no age is typed.
    private var headIsElderly: Bool? {
        Digits.parseInt(headAge.text.trimmingSpaces()).map { $0 >= HouseholdRules.elderlyAge }
    }

    private func tickElderly() {
        guard let elderly = headIsElderly else { return }
        let factor = Vulnerability.elderlyHeaded.rawValue
        let ticked = vulnerabilities.selectedIds
        vulnerabilities.select(elderly ? ticked.union([factor]) : ticked.subtracting([factor]))
    }

    private func fill(_ input: HouseholdInput) {
        headNameKm.text = input.headNameKm
        headNameLatin.text = input.headNameLatin
        places.select(code: input.villageCode)
        address.text = input.addressDetail
        phone.text = input.phone
        idPoor.select(input.idPoor.rawValue)
        headSex.select(input.headSex?.rawValue)
        vulnerabilities.select(Set(input.vulnerabilities.map(\.rawValue)))
        riskOverride.select(input.riskOverride?.rawValue)
        riskOverrideReason.text = input.riskOverrideReason
        status.select(input.status.rawValue)
    }

    private var input: HouseholdInput {
        var input = HouseholdInput()
        input.headNameKm = headNameKm.text
        input.headNameLatin = headNameLatin.text
        input.headSex = headSex.selectedId.flatMap(Sex.init(rawValue:))
        input.headAge = Digits.parseInt(headAge.text.trimmingSpaces())
        input.villageCode = village.selectedId
        input.addressDetail = address.text
        input.phone = phone.text
        input.idPoor = idPoor.selectedId.flatMap(IDPoorStatus.init(rawValue:)) ?? .none
        input.vulnerabilities = Set(vulnerabilities.selectedIds.compactMap(Vulnerability.init(rawValue:)))
        if canAssessRisk { input.riskOverride = riskOverride.selectedId.flatMap(RiskLevel.init(rawValue:)) }
        input.riskOverrideReason = riskOverrideReason.text
        input.status = status.selectedId.flatMap(HouseholdStatus.init(rawValue:)) ?? .active
        return input
    }

    private func showRiskFields() {
        let current = input
        form.field("riskOverrideReason")?.isHidden = !canAssessRisk || current.riskOverride == nil
            || current.riskOverride == current.proposedRisk
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func handleInput(_ key: Key, app: App) -> Bool {
        let used = form.handle(key)
        showRiskFields()
        // Another name or village: the warning no longer says something true of the form.
        if let said = acknowledgedSameHead, said != sameHeadKey(input) {
            acknowledgedSameHead = nil
            form.field("headNameKm")?.message = nil
        }
        return used
    }

    private func sameHeadKey(_ input: HouseholdInput) -> [String] {
        [input.headNameKm, input.headNameLatin, input.villageCode ?? ""]
    }

    func save(app: App) {
        form.clearMessages()
        let input = self.input
        var issues = Dictionary(uniqueKeysWithValues: HouseholdRules.validate(input, isNew: householdId == nil)
            .map { ($0.key.rawValue, $0.value) })
        if householdId == nil && input.headAge == nil && issues["headAge"] == nil { issues["headAge"] = "error.required" }
        if issues["headName"] != nil { issues["headNameKm"] = issues.removeValue(forKey: "headName") }
        if issues["village"] != nil && village.selectedId == nil && commune.selectedId == nil {
            issues[district.selectedId == nil ? (province.selectedId == nil ? "province" : "district") : "commune"]
                = issues.removeValue(forKey: "village")
        }
        guard issues.isEmpty else {
            FormInput.show(issues, in: form, app: app)
            return
        }
        do {
            if let householdId {
                try app.services.households.update(session, id: householdId, input, expectedVersion: version,
                                                   draft: app.draftRef(self))
                app.draftSaved(self)
                app.pop()
                onSaved?()
                app.show(style: .heading) { t in t("household.updated") }
            } else {
                if try warnedOfSameHead(input, app: app) { return }
                let saved = try app.services.households.register(session, input, draft: app.draftRef(self))
                app.draftSaved(self)
                if let onRegistered {
                    app.pop()
                    onRegistered(HouseholdListScreen.pickValue(id: saved.id, code: saved.code, km: input.headNameKm,
                                                               latin: input.headNameLatin))
                } else {
                    app.replaceTop(with: HouseholdViewScreen(app: app, session: session, householdId: saved.id))
                }
                app.show(style: .heading) { t in t("household.saved", saved.code) }
            }
        } catch StoreError.changedElsewhere {
            merge(app)
        } catch {
            FormInput.showFailure(error, in: form, app: app)
        }
    }

    /// Whether a household with this head's name is registered in the
    /// village already, and the user has not yet been told so for this name
    /// and village: then the form says which, under the head's name.
    private func warnedOfSameHead(_ input: HouseholdInput, app: App) throws -> Bool {
        let said = sameHeadKey(input)
        guard said != acknowledgedSameHead else { return false }
        let codes = try app.services.households.sameHead(session, input)
        guard !codes.isEmpty else { return false }
        acknowledgedSameHead = said
        let listed = codes.prefix(3).joined(separator: ", ") + (codes.count > 3 ? " …" : "")
        form.field("headNameKm")?.message = app.fieldMessage(isWarning: true) { t in t("household.same-head", listed) }
        form.focus("headNameKm")
        app.show(style: .warning) { $0("form.warnings-save-again") }
        return true
    }

    /// Someone else saved the household meanwhile: their changes and the
    /// user's are merged; the next F2 saves the result.
    private func merge(_ app: App) {
        guard let householdId else { return }
        do {
            let mine = form.snapshot()
            let stored = try app.services.households.input(session, id: householdId)
            fill(stored.input)
            let theirs = form.snapshot()
            let base = baseline
            version = stored.version
            baseline = theirs
            FormMerge.merge(form: form, base: base, mine: mine, theirs: theirs, changedBy: "", app: app)
            showRiskFields()
        } catch { app.report(error) }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let current = input
        score.text = t("household.score", t.number(current.score), t(current.proposedRisk.labelKey))
        form.render(into: &canvas, at: Rect(row: area.row + 1, col: 1, width: area.width - 2, height: area.height - 1),
                    env: app.widgetEnvironment)
    }
}
