import CaseDomain
import CaseStore
import KhmerText
import Localization
import Terminal

/// A new referral of a child (from the case file) or a household member
/// (from the household file): the service, a provider offering it (those
/// working in the person's area first; others marked), reason, priority and
/// consent. Sending needs consent; a full next intake or a provider outside
/// the area is said before sending.
@MainActor
final class ReferralFormScreen: DraftableScreen {
    /// Someone who can be referred from the screen that opened this one.
    struct Person: Codable {
        let subject: ReferralSubject
        let name: String
        /// Sex and age (and, in a household, relationship) in each language,
        /// by label index, so F6 says them again.
        let details: [String]

        init(subject: ReferralSubject, name: String, details: [String]) {
            self.subject = subject
            self.name = name
            self.details = details
        }

        /// The name with its details in the language of `labelIndex`.
        func label(_ labelIndex: Int) -> String {
            details.isEmpty ? name : name + " · " + ReferralFormScreen.inLanguage(details, labelIndex)
        }

        private enum CodingKeys: String, CodingKey { case subject, name, details, detail }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            subject = try c.decode(ReferralSubject.self, forKey: .subject)
            name = try c.decode(String.self, forKey: .name)
            // A draft kept before the details were in each language has one.
            details = try c.decodeIfPresent([String].self, forKey: .details)
                ?? [c.decodeIfPresent(String.self, forKey: .detail) ?? ""]
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(subject, forKey: .subject)
            try c.encode(name, forKey: .name)
            try c.encode(details, forKey: .details)
        }
    }

    let titleKey = "referral.new-title"
    private let session: Session
    private let people: [Person]
    /// Whom the form is for when it offers several people ("HH-000012 ·
    /// the household of …"), shown above the form, in each language.
    private let forWhom: [String]
    private let person = ChoiceField()
    private let service = ChoiceField()
    private let provider = ChoiceField()
    private let providerInfo = Label("", style: .muted)
    private let reason = TextArea(rows: 3, maxLength: 2_000)
    private let priority = ChoiceField(filterable: false)
    private let consent = ChoiceField(filterable: false)
    private let send = ChoiceField(filterable: false)
    let form: Form
    private var providers: [Provider] = []
    private var villageCode = ""
    private var seats: SeatAvailability = .unlimited
    private var baseline: FormSnapshot = [:]

    /// One draft per group of people it was opened for (a child, or a
    /// household's members).
    var draftKey: DraftKey {
        DraftKey("referral", record: people.map { person in
            switch person.subject {
            case .child(let id): "child-\(id)"
            case .member(let id): "member-\(id)"
            }
        }.joined(separator: ","))
    }

    func draftTitle(_ t: Localizer, app: App) -> String {
        let index = person.selectedId.flatMap(Int.init) ?? 0
        return t("draft.title-referral", people.indices.contains(index) ? people[index].name : "…")
    }

    var draftContext: [String: String] { ["people": DraftContext.encode(people), "for": DraftContext.encode(forWhom)] }

    init(app: App, session: Session, people: [Person], for forWhom: [String] = []) {
        self.session = session
        self.people = people
        self.forWhom = forWhom
        form = Form(fields: [
            FormField(id: "person", label: "referral.person", widget: person, required: true),
            FormField(id: "service", label: "referral.service", widget: service, required: true),
            FormField(id: "provider", label: "referral.provider", widget: provider, required: true),
            FormField(id: "providerInfo", label: "referral.provider-info", widget: providerInfo),
            FormField(id: "reason", label: "referral.reason", widget: reason, required: true),
            FormField(id: "priority", label: "referral.priority", widget: priority, required: true),
            FormField(id: "consent", label: "referral.consent", widget: consent, required: true),
            FormField(id: "send", label: "referral.send-now", widget: send, required: true),
        ])
        person.setOptions(people.enumerated().map { i, p in
            ChoiceOption(id: String(i), labels: Language.allCases.map { p.label($0.labelIndex) })
        })
        // Among several people nobody is chosen for the user: Enter must
        // not refer the head of the household by default.
        person.select(people.count == 1 ? "0" : nil)
        service.setOptions(app.options(ServiceType.self))
        priority.setOptions(app.options(ReferralPriority.self))
        priority.select(ReferralPriority.routine.rawValue)
        consent.setOptions(app.yesNoOptions)
        send.setOptions(app.yesNoOptions)
        send.select(YesNoUnknown.yes.rawValue)
        person.onSelect = { [unowned self, unowned app] _ in self.personChanged(app) }
        service.onSelect = { [unowned self, unowned app] _ in self.loadProviders(app) }
        provider.onSelect = { [unowned self, unowned app] _ in self.describeProvider(app) }
        personChanged(app)
        baseline = form.snapshot()
    }

    /// One of `texts` written in every language (by label index); a draft
    /// kept before they were has one.
    nonisolated static func inLanguage(_ texts: [String], _ labelIndex: Int) -> String {
        texts.indices.contains(labelIndex) ? texts[labelIndex] : texts.first ?? ""
    }

    private var subject: ReferralSubject? {
        person.selectedId.flatMap(Int.init).flatMap { people.indices.contains($0) ? people[$0].subject : nil }
    }

    private func personChanged(_ app: App) {
        guard let subject else { return }
        do { villageCode = try app.services.referrals.villageCode(session, of: subject) } catch { app.report(error) }
        loadProviders(app)
    }

    /// Providers offering the chosen service: those working in the
    /// person's area first, then the others, marked ⚠.
    private func loadProviders(_ app: App) {
        let chosen = provider.selectedId
        do {
            let all = try service.selectedId.flatMap(ServiceType.init(rawValue:)).map {
                try app.services.providers.list(session, service: $0, includeInactive: false)
            } ?? []
            providers = all.filter { $0.serves(villageCode: villageCode) } + all.filter { !$0.serves(villageCode: villageCode) }
        } catch { app.report(error) }
        // Each language's label says "outside the area" in that language.
        let outside = Language.allCases.map { app.localizer.table.text("referral.outside-area", $0) ?? "" }
        provider.setOptions(providers.map { p in
            let names = [p.nameKm.isEmpty ? p.nameLatin : p.nameKm, p.nameLatin]
            let labels = p.serves(villageCode: villageCode) ? names
                : names.enumerated().map { i, name in "⚠ " + name + " (" + outside[i] + ")" }
            return ChoiceOption(id: String(p.id), labels: labels)
        })
        provider.select(providers.contains { String($0.id) == chosen } ? chosen : providers.first.map { String($0.id) })
        describeProvider(app)
    }

    private var chosenProvider: Provider? { providers.first { String($0.id) == provider.selectedId } }

    private func describeProvider(_ app: App) {
        guard let p = chosenProvider else {
            seats = .unlimited
            return
        }
        do { seats = try app.services.providers.seats(session, providerId: p.id) } catch { app.report(error) }
    }

    private func providerText(_ app: App) -> String {
        let t = app.localizer
        guard let p = chosenProvider else {
            return service.selectedId == nil ? "" : t("referral.no-provider")
        }
        var parts: [String] = []
        switch seats {
        case .unlimited: break
        case .available(let n): parts.append(t("referral.seats-left", t.number(n)))
        case .full(let seats, let taken): parts.append("⚠ " + t("referral.seats-full", t.number(taken), t.number(seats)))
        }
        if let next = p.nextIntake { parts.append(t("referral.next-intake", app.dateText(next))) }
        // A phone number never breaks across lines.
        if !p.phone.isEmpty {
            parts.append(t("referral.phone", t.digitsForDisplay(p.phone).replacingOccurrences(of: " ", with: "\u{00A0}")))
        }
        if !p.serves(villageCode: villageCode) { parts.append("⚠ " + t("referral.outside-area")) }
        return parts.joined(separator: " · ")
    }

    var hasUnsavedChanges: Bool { form.snapshot() != baseline }

    func save(app: App) {
        form.clearMessages()
        // Without a person chosen the other fields are still checked, so
        // every problem shows at once.
        var input = ReferralInput(subject: subject ?? .member(memberId: 0))
        input.service = service.selectedId.flatMap(ServiceType.init(rawValue:))
        input.providerId = provider.selectedId.flatMap { Int64($0) }
        input.reason = reason.text
        input.priority = priority.selectedId.flatMap(ReferralPriority.init(rawValue:)) ?? .routine
        input.consentRecorded = FormInput.yesNo(consent) == true
        input.send = FormInput.yesNo(send) == true
        var issues = ReferralInputRules.validate(input)
        if subject == nil { issues[.person] = "error.required" }
        if consent.selectedId == nil {
            form.field("consent")?.message = app.fieldMessage("error.required")
        }
        guard issues.isEmpty && consent.selectedId != nil else {
            FormInput.show(Dictionary(uniqueKeysWithValues: issues.map { ($0.key.rawValue, $0.value) }), in: form, app: app)
            return
        }
        var warnings: [(Localizer) -> String] = []
        if input.send, case .full(let seats, let taken) = self.seats {
            warnings.append { t in t("referral.confirm-full", t.number(taken), t.number(seats)) }
        }
        if input.send, let p = chosenProvider, !p.serves(villageCode: villageCode) {
            warnings.append { t in t("referral.confirm-outside") }
        }
        if warnings.isEmpty {
            create(app, input)
        } else {
            app.confirm({ t in (warnings.map { $0(t) } + [t("referral.send-anyway")]).joined(separator: " ") }) {
                [unowned self, unowned app] in
                self.create(app, input)
            }
        }
    }

    private func create(_ app: App, _ input: ReferralInput) {
        do {
            let saved = try app.services.referrals.create(session, input, draft: app.draftRef(self))
            app.draftSaved(self)
            app.pop()
            app.show(style: .heading) { t in t(input.send ? "referral.sent" : "referral.saved-draft", saved.code) }
        } catch {
            FormInput.showFailure(error, in: form, app: app)
        }
    }

    func render(into canvas: inout Canvas, area: Rect, app: App) {
        providerInfo.text = providerText(app)
        providerInfo.style = seats.isFull ? .warning : .muted
        form.field("person")?.isHidden = people.count <= 1
        let language = app.localizer.language.labelIndex
        let heading = people.count == 1 ? people[0].label(language) : Self.inLanguage(forWhom, language)
        canvas.put(heading, row: area.row + 1, col: 2, style: .heading, maxWidth: area.width - 4)
        form.render(into: &canvas, at: Rect(row: area.row + 3, col: 2, width: area.width - 4, height: area.height - 3),
                    env: app.widgetEnvironment)
    }
}
