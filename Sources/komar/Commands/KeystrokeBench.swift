import CaseStore
import KomarApp
import Localization
import Terminal

/// Keystrokes as a user makes them: the real `App` on the in-memory
/// terminal, over the bench database, each key timed from `process`
/// through the drawn frame. The social worker logs in through the login
/// screen and opens the case list from the home menu.
@MainActor
enum KeystrokeBench {
    /// `login`: the social worker's username and password (the demo's, or
    /// one the bench added at head office).
    static func run(_ services: KomarServices, login: (username: String, password: String), runs: Int,
                    into timings: inout BenchTimings) throws {
        let app = App(backend: MemoryBackend(size: Size(width: 80, height: 24)), services: services, language: .km)
        app.start()
        app.process(Key.typing(login.username) + [.tab] + Key.typing(login.password) + [.enter])
        guard app.topScreenTitleKey == "home.title" else { throw Failure("\(login.username) cannot log in") }
        app.process(.char("4"))
        app.settleBackgroundReads()
        guard app.topScreenTitleKey == "cases.title" else { throw Failure("the case list did not open from home") }

        // A Khmer name typed into the list's search box, code point by
        // code point, as a Khmer keyboard sends it.
        var samples: [Double] = []
        let queries = ["ស្រីពេជ្រ", "សុខា ចាន់", "ដារ៉ា", "ចន្ទ្រា"]
        while samples.count < runs {
            // The list's count is read in the background and shown at the
            // pause after each key; here it is waited for between keys
            // (untimed), as a person's typing leaves time for it.
            for key in Key.typing(queries[samples.count % queries.count]) {
                samples.append(BenchTimings.time { app.process(key) })
                app.settleBackgroundReads()
            }
            app.process(.ctrl("u"))
            app.settleBackgroundReads()
        }
        timings.record("keystroke_search_box", samples)

        samples = []
        while samples.count < runs {
            for _ in 0..<100 { samples.append(BenchTimings.time { app.process(.down) }) }
            samples.append(BenchTimings.time { app.process(.pageDown) })
            app.process(.home)
        }
        timings.record("keystroke_list_move", samples)

        samples = []
        for i in 0..<max(1, runs / 2) {
            app.process(Array(repeating: Key.down, count: i % 20))
            samples.append(BenchTimings.time { app.process(.enter) })
            guard app.topScreenTitleKey == "case.title" else { throw Failure("Enter did not open a case file") }
            samples.append(BenchTimings.time { app.process(.escape) })
            app.settleBackgroundReads()
        }
        timings.record("keystroke_open_file", samples)

        try timings.measure("keystroke_language", runs: runs) { app.process(.function(6)) }
    }
}
