import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal

/// F5 on the referral list: status, provider, service, place (province,
/// district or commune), sex, age group, priority, a date range of when
/// people were referred and (at head office) office. F2 applies.
@MainActor
final class ReferralFilterScreen: FilterScreen {
    let titleKey = "filter.referrals-title"
    private let status = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let provider = ChoiceField(placeholderKey: "filter.any")
    private let service = ChoiceField(placeholderKey: "filter.any")
    private let province = ChoiceField(placeholderKey: "filter.any")
    private let district = ChoiceField(placeholderKey: "filter.any")
    private let commune = ChoiceField(placeholderKey: "filter.any")
    private let sex = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let ageGroup = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let priority = ChoiceField(filterable: false, placeholderKey: "filter.any")
    private let from = DateField()
    private let to = DateField()
    private let office = ChoiceField(filterable: false, placeholderKey: "filter.any")
    let form: Form
    private let apply: (ReferralFilter) -> Void
    private var places: PlaceCascade!

    init(app: App, session: Session, current: ReferralFilter, apply: @escaping (ReferralFilter) -> Void) {
        self.apply = apply
        form = Form(fields: [
            FormField(id: "status", label: "referrals.status", widget: status),
            FormField(id: "provider", label: "referrals.provider", widget: provider),
            FormField(id: "service", label: "referrals.service", widget: service),
            FormField(id: "province", label: "field.province", widget: province),
            FormField(id: "district", label: "field.district", widget: district),
            FormField(id: "commune", label: "field.commune", widget: commune),
            FormField(id: "sex", label: "field.sex", widget: sex),
            FormField(id: "ageGroup", label: "filter.age-group", widget: ageGroup),
            FormField(id: "priority", label: "referral.priority", widget: priority),
            FormField(id: "from", label: "filter.from", widget: from),
            FormField(id: "to", label: "filter.to", widget: to),
            FormField(id: "office", label: "filter.office", widget: office),
        ])
        status.setOptions(app.options(ReferralStatus.self))
        service.setOptions(app.options(ServiceType.self))
        sex.setOptions(app.options(Sex.self))
        ageGroup.setOptions(app.options(AgeGroup.self))
        priority.setOptions(app.options(ReferralPriority.self))
        do {
            provider.setOptions(try app.services.providers.list(session).map {
                ChoiceOption(id: String($0.id), labels: [$0.nameKm.isEmpty ? $0.nameLatin : $0.nameKm, $0.nameLatin])
            })
        } catch { app.report(error) }
        // At head office, every office's referrals are here: one may be chosen.
        office.setOptions(app.officeOptions(session))
        form.field("office")?.isHidden = office.options.isEmpty
        office.select(current.office.map(String.init))
        places = PlaceCascade(app: app, levels: [province, district, commune])
        status.select(current.status?.rawValue)
        provider.select(current.providerId.map { String($0) })
        service.select(current.service?.rawValue)
        places.select(code: current.placeCode)
        sex.select(current.sex?.rawValue)
        ageGroup.select(current.ageGroup?.rawValue)
        priority.select(current.priority?.rawValue)
        if let date = current.from { from.text = FormInput.text(date, app) }
        if let date = current.to { to.text = FormInput.text(date, app) }
    }

    func save(app: App) {
        form.clearMessages()
        guard let (fromDate, toDate) = FormInput.dateRange(from, to, in: form, app: app) else { return }
        let filter = ReferralFilter(
            status: status.selectedId.flatMap(ReferralStatus.init(rawValue:)),
            providerId: provider.selectedId.flatMap { Int64($0) },
            service: service.selectedId.flatMap(ServiceType.init(rawValue:)),
            placeCode: commune.selectedId ?? district.selectedId ?? province.selectedId,
            sex: sex.selectedId.flatMap(Sex.init(rawValue:)), ageGroup: ageGroup.selectedId.flatMap(AgeGroup.init(rawValue:)),
            priority: priority.selectedId.flatMap(ReferralPriority.init(rawValue:)), from: fromDate, to: toDate,
            office: office.selectedId.flatMap { Int64($0) })
        app.pop()
        apply(filter)
    }

    /// Words for a filter, for the line above a list.
    static func describe(_ filter: ReferralFilter, session: Session, app: App) -> String {
        let t = app.localizer
        var parts: [String] = []
        if let status = filter.status { parts.append(t(status.labelKey)) }
        if let service = filter.service { parts.append(t(service.labelKey)) }
        if let id = filter.providerId, let p = try? app.services.providers.provider(session, id: id) {
            parts.append(app.name(km: p.nameKm, latin: p.nameLatin))
        }
        if let code = filter.placeCode, let place = try? app.services.gazetteer.place(code: code) {
            parts.append(app.placeName(place))
        }
        if let sex = filter.sex { parts.append(t(sex.labelKey)) }
        if let group = filter.ageGroup { parts.append(t(group.labelKey)) }
        if let priority = filter.priority { parts.append(t(priority.labelKey)) }
        if let range = app.dateRangeText(filter.from, filter.to) { parts.append(range) }
        if let number = filter.office, let office = app.officeOptions(session).first(where: { $0.id == String(number) }) {
            parts.append(t.labelled(t("filter.office"), office.label(0)))
        }
        return parts.joined(separator: ", ")
    }
}
