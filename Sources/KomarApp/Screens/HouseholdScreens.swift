import CaseDomain
import CaseStore
import KhmerText
import Terminal

/// The household register: a search box over a table of households,
/// newest first. Typing searches names (head or member, Khmer or Latin),
/// codes and villages; Enter opens the household file; F7 registers one.
/// Opened from the intake (`onPick`), Enter chooses the child's household
/// instead, and F7 registers a new one and chooses it.
@MainActor
final class HouseholdListScreen: Screen {
    var titleKey: String { onPick == nil ? "households.title" : "households.pick-title" }
    var bindings: [KeyBinding] {
        var list = [onPick == nil ? CommonBindings.open : KeyBinding(.enter, label: "key.choose", help: "help.choose-household"),
                    CommonBindings.scroll, CommonBindings.back]
        if canCreate { list.insert(KeyBinding(.function(7), label: "key.new", help: "help.new-household"), at: 0) }
        return list
    }
    private let onPick: ((PickerField.Value) -> Void)?
    /// The village a household registered from here starts in.
    private let villageCode: String?
    private var search: ListSearchBox!
    private let table = Table(columns: [
        TableColumn("households.code", width: 9),
        TableColumn("households.head-km", width: 12, flexible: true),
        TableColumn("households.head-latin", width: 12, flexible: true),
        TableColumn("cases.village", width: 8, flexible: true),
        TableColumn("households.members", width: 3, alignment: .right),
        TableColumn("case.risk", width: 7),
        TableColumn("households.status", width: 7),
    ])
    private var source: PagedRows<HouseholdSummary>
    private var total = 0
    private let canCreate: Bool

    init(app: App, villageCode: String? = nil, onPick: ((PickerField.Value) -> Void)? = nil) {
        source = Self.rows(app, query: "")
        canCreate = app.session?.may(.createIntake) ?? false
        self.onPick = onPick
        self.villageCode = villageCode
        table.source = source
        table.onActivate = { [unowned self, unowned app] index in
            guard index < self.source.rows.count else { return }
            let household = self.source.rows[index]
            if let onPick = self.onPick {
                app.pop()
                onPick(Self.pickValue(id: household.id, code: household.code, km: household.headNameKm,
                                      latin: household.headNameLatin))
            } else {
                app.push(HouseholdViewScreen(app: app, householdId: household.id))
            }
        }
        search = ListSearchBox { [unowned self, unowned app] _ in self.reload(app, keepingSelection: false) }
        reload(app, keepingSelection: false)
    }

    func didReturn(app: App) { reload(app, keepingSelection: true) }

    /// How a chosen household reads in the intake's field.
    static func pickValue(id: Int64, code: String, km: String, latin: String) -> PickerField.Value {
        PickerField.Value(id: String(id), text: code + " · " + [km, latin].filter { !$0.isEmpty }.joined(separator: " / "))
    }

    /// Households matching `query` (all when empty), newest first, a page at a time.
    private static func rows(_ app: App, query: String) -> PagedRows<HouseholdSummary> {
        PagedRows(app: app, fetch: { [unowned app] session, last, limit in
            try app.services.households.list(session, query: query, after: last.map { HouseholdCursor(lastId: $0.id) },
                                             limit: limit)
        }, cells: { [unowned app] h in
        let t = app.localizer
        return [h.code, h.headNameKm, h.headNameLatin, t.language == .km ? h.villageNameKm : h.villageNameLatin,
                t.digitsForDisplay(String(h.memberCount)), t(h.riskLevel.labelKey), t(h.status.labelKey)]
        })
    }

    private func reload(_ app: App, keepingSelection: Bool) {
        let selected = keepingSelection ? table.selected : 0
        source = Self.rows(app, query: search.text)
        table.source = source
        if let session = app.session {
            do { total = try app.services.households.count(session) } catch { app.report(error) }
        }
        source.prepare(through: selected)
        table.select(selected)
    }

    func handle(_ key: Key, app: App) -> Bool {
        if key == .function(7) && canCreate {
            if let onPick {
                app.push(HouseholdFormScreen(app: app, villageCode: villageCode, onRegistered: { [unowned app] chosen in
                    app.pop()
                    onPick(chosen)
                }))
            } else {
                app.push(HouseholdFormScreen(app: app))
            }
            return true
        }
        return ListSearchBox.isTableKey(key) ? table.handle(key) : search.field.handle(key)
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        search.render(into: &canvas, row: area.row, width: area.width, app: app)
        canvas.put(t("households.count", t.number(total)), row: area.row + 1, col: 1, style: .muted,
                   maxWidth: area.width - 2)
        source.prepare(through: 0)
        if source.rowCount == 0 {
            canvas.put(t(search.text.isEmpty ? "households.empty" : "search.none"), row: area.row + 3, col: 1,
                       style: .muted, maxWidth: area.width - 2)
            return
        }
        table.render(into: &canvas, at: Rect(row: area.row + 2, col: 0, width: area.width, height: area.height - 2),
                     focused: false, env: app.widgetEnvironment)
    }
}

/// Registers a household (head, village, ID Poor status, vulnerability
/// factors) or edits one. The risk score and the level it proposes are
/// shown as factors are ticked; a social worker may set another level with
/// a reason.
@MainActor
final class HouseholdFormScreen: Screen {
    var titleKey: String { householdId == nil ? "household.new-title" : "household.edit-title" }
    var bindings: [KeyBinding] { CommonBindings.form }
    private let householdId: Int64?
    private var version = 0
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
    private let form: Form
    private var places: PlaceCascade!
    private let canAssessRisk: Bool
    private let onSaved: (() -> Void)?
    /// Set when registering from the intake: the new household is chosen
    /// there instead of opened.
    private let onRegistered: ((PickerField.Value) -> Void)?
    private var initial: HouseholdInput

    init(app: App, householdId: Int64? = nil, villageCode: String? = nil, onSaved: (() -> Void)? = nil,
         onRegistered: ((PickerField.Value) -> Void)? = nil) {
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
        canAssessRisk = app.session?.may(.assessRisk) ?? false
        initial = HouseholdInput()
        places = PlaceCascade(app: app, levels: [province, district, commune, village])
        form.field("headSex")?.isHidden = householdId != nil
        form.field("headAge")?.isHidden = householdId != nil
        form.field("status")?.isHidden = householdId == nil
        form.field("riskOverride")?.isHidden = !canAssessRisk
        if let householdId, let session = app.session {
            do {
                let stored = try app.services.households.input(session, id: householdId)
                fill(stored.input)
                version = stored.version
                initial = stored.input
            } catch { app.report(error) }
        } else {
            do {
                let accounts = app.services.accounts
                places.select(code: try villageCode ?? accounts.setting("office_district")
                              ?? accounts.setting("office_province"))
            } catch { app.report(error) }
        }
        riskOverride.onSelect = { [unowned self] _ in self.showRiskFields() }
        vulnerabilities.onChange = { [unowned self] _ in self.showRiskFields() }
        idPoor.onSelect = { [unowned self] _ in self.showRiskFields() }
        form.onSave = { [unowned self, unowned app] in self.save(app) }
        showRiskFields()
    }

    private func fill(_ input: HouseholdInput) {
        headNameKm.text = input.headNameKm
        headNameLatin.text = input.headNameLatin
        places.select(code: input.villageCode)
        address.text = input.addressDetail
        phone.text = input.phone
        idPoor.select(input.idPoor.rawValue)
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

    var hasUnsavedChanges: Bool {
        var now = input
        now.headSex = nil
        now.headAge = nil
        return now != initial || headSex.selectedId != nil || !headAge.text.isEmpty
    }

    func handle(_ key: Key, app: App) -> Bool {
        let used = form.handle(key)
        showRiskFields()
        return used
    }

    private func save(_ app: App) {
        guard let session = app.session else { return }
        let t = app.localizer
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
                try app.services.households.update(session, id: householdId, input, expectedVersion: version)
                app.pop()
                onSaved?()
                app.show(t("household.updated"), style: .heading)
            } else {
                let saved = try app.services.households.register(session, input)
                if let onRegistered {
                    app.pop()
                    onRegistered(HouseholdListScreen.pickValue(id: saved.id, code: saved.code, km: input.headNameKm,
                                                               latin: input.headNameLatin))
                } else {
                    app.replaceTop(with: HouseholdViewScreen(app: app, householdId: saved.id))
                }
                app.show(t("household.saved", saved.code), style: .heading)
            }
        } catch let rejected as HouseholdRejected {
            FormInput.show(rejected.issues, in: form, app: app)
        } catch StoreError.changedElsewhere {
            app.showError(t("error.changed-elsewhere"))
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        let t = app.localizer
        let current = input
        score.text = t("household.score", t.number(current.score), t(current.proposedRisk.labelKey))
        form.render(into: &canvas, at: Rect(row: area.row + 1, col: 1, width: area.width - 2, height: area.height - 1),
                    env: app.widgetEnvironment)
    }
}

/// Adds a member to a household, or changes one (`memberId`): who they
/// are, schooling, work and migration (with the country when abroad).
@MainActor
final class MemberFormScreen: Screen {
    var titleKey: String { memberId == nil ? "member.title" : "member.edit-title" }
    var bindings: [KeyBinding] { CommonBindings.form }
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
    private let country = TextField(maxLength: 60)
    private let phone = TextField(kind: .phone, maxLength: 20)
    private let form: Form
    private let memberId: Int64?
    /// The member as loaded, and its version, when editing.
    private var loaded: (input: MemberInput, version: Int)?

    init(app: App, householdId: Int64, memberId: Int64? = nil) {
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
            FormField(id: "migrationCountry", label: "field.migration-country", widget: country, required: true),
            FormField(id: "phone", label: "field.phone", widget: phone),
        ])
        sex.setOptions(app.options(Sex.self))
        relationship.setOptions(app.options(Relationship.self).filter { $0.id != Relationship.head.rawValue })
        relationship.select(Relationship.child.rawValue)
        inSchool.setOptions(app.options(YesNoUnknown.self))
        migration.setOptions(app.options(MigrationStatus.self))
        migration.select(MigrationStatus.none.rawValue)
        migration.onSelect = { [unowned self] _ in self.showFields() }
        form.onSave = { [unowned self, unowned app] in self.save(app) }
        if let memberId, let session = app.session {
            do {
                let stored = try app.services.households.member(session, id: memberId)
                fill(stored.input, app: app)
                loaded = stored
                // The head stays the head; their relationship is not a choice.
                form.field("relationship")?.isHidden = stored.input.relationship == .head
            } catch { app.report(error) }
        }
        showFields()
    }

    private func fill(_ input: MemberInput, app: App) {
        nameKm.text = input.nameKm
        nameLatin.text = input.nameLatin
        sex.select(input.sex?.rawValue)
        switch input.birth {
        case .dateOfBirth(let dob)?: birthDate.text = FormInput.text(dob)
        case .estimatedAge(let years)?: estimatedAge.text = app.localizer.digitsForDisplay(String(years))
        case nil: break
        }
        if input.relationship != .head { relationship.select(input.relationship.rawValue) }
        inSchool.select(YesNoUnknown(input.inSchool).rawValue)
        occupation.text = input.occupation
        migration.select(input.migration.rawValue)
        country.text = input.migrationCountry
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
        input.migrationCountry = country.text
        input.phone = phone.text
        return input
    }

    private func showFields() {
        form.field("migrationCountry")?.isHidden = migration.selectedId != MigrationStatus.migratedAbroad.rawValue
    }

    var hasUnsavedChanges: Bool {
        if let loaded { return entered != loaded.input }
        return !nameKm.text.isEmpty || !nameLatin.text.isEmpty || sex.selectedId != nil || !estimatedAge.text.isEmpty
            || !birthDate.text.isEmpty || !occupation.text.isEmpty
    }

    func handle(_ key: Key, app: App) -> Bool { form.handle(key) }

    private func save(_ app: App) {
        guard let session = app.session else { return }
        let t = app.localizer
        form.clearMessages()
        var failed = false
        var input = entered
        // The birth again, this time with a message under a bad date.
        let dob = FormInput.date(birthDate, id: "birthDate", in: form, app: app, failed: &failed)
        let ageText = estimatedAge.text.trimmingSpaces()
        if dob != nil && !ageText.isEmpty {
            form.field("estimatedAge")?.message = FieldMessage(t("error.birth-or-age"))
            failed = true
        }
        input.birth = dob.map { .dateOfBirth($0) } ?? Digits.parseInt(ageText).map { .estimatedAge($0) }
        var issues = Dictionary(uniqueKeysWithValues: MemberRules.validate(input, today: app.services.clock.today)
            .map { ($0.key.rawValue, $0.value) })
        if issues["name"] != nil { issues["nameKm"] = issues.removeValue(forKey: "name") }
        if issues["birth"] != nil { issues["birthDate"] = issues.removeValue(forKey: "birth") }
        if failed { issues = issues.filter { $0.key != "birthDate" } }
        guard issues.isEmpty && !failed else {
            FormInput.show(issues, in: form, app: app)
            return
        }
        do {
            if let memberId, let loaded {
                try app.services.households.updateMember(session, id: memberId, input, expectedVersion: loaded.version)
                self.loaded = nil
                app.pop()
                app.show(t("member.updated", [input.nameKm, input.nameLatin].first { !$0.isEmpty } ?? ""), style: .heading)
            } else {
                let member = try app.services.households.addMember(session, householdId: householdId, input)
                app.pop()
                app.show(t("member.saved", member.displayName), style: .heading)
            }
        } catch let rejected as HouseholdRejected {
            FormInput.show(rejected.issues, in: form, app: app)
        } catch StoreError.changedElsewhere {
            app.showError(t("error.changed-elsewhere"))
        } catch {
            app.report(error)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        form.render(into: &canvas, at: Rect(row: area.row + 1, col: 1, width: area.width - 2, height: area.height - 1),
                    env: app.widgetEnvironment)
    }
}
