import ArgumentParser
import KomarApp
import Localization

/// `komar keys`: every screen's keys, from the screens' own bindings.
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every screen's keys (the README's key table is this output with --markdown).")

    @Flag(name: .long, help: "Print Markdown tables.") var markdown = false
    @Option(name: .long, help: "Language of the descriptions: km or en.", transform: Parse.language("language"))
    var language: Language = .en

    func run() throws {
        try reportingFailures {
            try requireUTF8Locale()
            try MainActor.assumeIsolated {
                let sections = try KeyReference.sections(language: language)
                print(markdown ? KeyReference.markdown(sections) : KeyReference.text(sections), terminator: "")
            }
        }
    }
}
