import CaseDomain
import CaseStore
import Terminal

/// Province → district → commune (→ village) pickers that feed each other:
/// choosing one level offers its children at the next and clears every
/// level below. Every form with a place uses this one component.
@MainActor
final class PlaceCascade {
    private let levels: [ChoiceField]
    private let gazetteer: GazetteerService
    private let options: ([Place]) -> [ChoiceOption]
    private let report: (any Error) -> Void

    /// `levels` from the province down; the provinces are loaded at once.
    init(gazetteer: GazetteerService, options: @escaping ([Place]) -> [ChoiceOption],
         report: @escaping (any Error) -> Void, levels: [ChoiceField]) {
        self.gazetteer = gazetteer
        self.options = options
        self.report = report
        self.levels = levels
        do { levels.first?.setOptions(options(try gazetteer.provinces())) } catch { report(error) }
        for (index, field) in levels.enumerated() where index + 1 < levels.count {
            field.onSelect = { [unowned self] code in self.fill(level: index + 1, parent: code) }
        }
    }

    /// The cascade on `app`'s gazetteer, with its place names and error line.
    convenience init(app: App, levels: [ChoiceField]) {
        self.init(gazetteer: app.services.gazetteer, options: { [unowned app] in app.placeOptions($0) },
                  report: { [unowned app] in app.report($0) }, levels: levels)
    }

    /// Offers the children of `parent` at `level`; clearing that level's
    /// choice empties the levels below it in turn.
    private func fill(level: Int, parent: String?) {
        var places: [Place] = []
        if let parent {
            do { places = try gazetteer.children(of: parent) } catch { report(error) }
        }
        levels[level].setOptions(options(places))
        levels[level].select(nil)
    }

    /// Chooses every level on the path to `code` (a province, district,
    /// commune or village code), as if the user had picked each in turn.
    func select(code: String?) {
        guard let code else { return }
        for (index, field) in levels.enumerated() where code.count >= 2 * (index + 1) {
            field.select(String(code.prefix(2 * (index + 1))))
        }
    }
}
