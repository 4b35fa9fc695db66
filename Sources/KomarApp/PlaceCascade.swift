import CaseDomain
import Terminal

/// Province → district → commune (→ village) pickers that feed each other:
/// choosing one level offers its children at the next and clears every
/// level below. Every form with a place uses this one component.
@MainActor
final class PlaceCascade {
    private let levels: [ChoiceField]
    private unowned let app: App

    /// `levels` from the province down; the provinces are loaded at once.
    init(app: App, levels: [ChoiceField]) {
        self.app = app
        self.levels = levels
        do { levels.first?.setOptions(app.placeOptions(try app.services.gazetteer.provinces())) } catch {
            app.report(error)
        }
        for (index, field) in levels.enumerated() where index + 1 < levels.count {
            field.onSelect = { [unowned self] code in self.fill(level: index + 1, parent: code) }
        }
    }

    /// Offers the children of `parent` at `level`; clearing that level's
    /// choice empties the levels below it in turn.
    private func fill(level: Int, parent: String?) {
        var places: [Place] = []
        if let parent {
            do { places = try app.services.gazetteer.children(of: parent) } catch { app.report(error) }
        }
        levels[level].setOptions(app.placeOptions(places))
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
