import ArgumentParser
import CaseDomain
import CaseStore
import Foundation

/// `komar sync`: an office writes its changes as a file; head office
/// applies the files it receives, and settles what did not apply cleanly.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Send an office's changes to head office, and apply them there (admin).",
        subcommands: [ExportChanges.self, ImportChanges.self, Conflicts.self, Resolve.self, SharedFolder.self])

    static let refusal = "only admins may send or apply office files"

    struct ExportChanges: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "At an office: write the changes since the last export as one sealed file.",
            discussion: "The file is kept in sync/out/ beside the database, and with --to also copied there.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Option(name: .long, help: "Also write the file here (a shared folder or a USB stick).") var to: String?
        @Option(name: .customLong("for"), help: ArgumentHelp("At head office, with --full: the office to rebuild.", valueName: "CODE"))
        var office: String?
        @Flag(name: .long, help: "With --for: everything head office holds of the office, to rebuild it.") var full = false

        func validate() throws {
            guard (office == nil) == !full else { throw ValidationError("--for CODE and --full go together") }
            guard office == nil || to != nil else { throw ValidationError("--for CODE --full needs --to DIR") }
        }

        func run() throws {
            try authenticated(.manageSettings, refusal: SyncCommand.refusal) { services, session in
                if let office, let to {
                    let rebuild = try services.sync.exportRebuild(session, office: office, to: URL(fileURLWithPath: to))
                    print("Wrote all head office holds of \(office) (\(counted(rebuild.manifest.changes, "record")), up to file "
                        + "\(rebuild.manifest.sequence)). Rebuild the office with:")
                    print("  komar office restore \(quoted(rebuild.file.path)) --enrolment \(quoted(rebuild.enrolment.path)) "
                        + "--db NEW.sqlite --user ADMIN")
                    return
                }
                let report = try services.sync.export(session, to: to.map { URL(fileURLWithPath: $0) })
                if let earlier = report.completedEarlier {
                    print("File \(earlier), written before an interruption, is complete; send it too if head office lacks it.")
                }
                print("Wrote file \(report.manifest.sequence) of \(report.manifest.office): \(counted(report.manifest.changes, "change"))")
                for file in report.files { print("  \(file.path)") }
            }
        }
    }

    struct ImportChanges: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "At head office: apply office files, each in one transaction, in order.",
            discussion: "A file applied before is skipped; a missing number, an unknown office or a changed file is refused.")
        @Argument(help: "The files from the offices.") var files: [String]
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func run() throws {
            try authenticated(.manageSettings, refusal: SyncCommand.refusal) { services, session in
                let reports = try services.sync.importFiles(session, files.map { URL(fileURLWithPath: $0) })
                for report in reports {
                    let name = report.file.lastPathComponent
                    switch report.outcome {
                    case .alreadyApplied: print("\(name): already applied")
                    case .applied:
                        print("\(name): \(counted(report.changes, "change")) applied, \(counted(report.conflicts, "conflict"))")
                    }
                    for warning in report.warnings { print("  WARNING: \(warning)") }
                }
            }
        }
    }

    struct Conflicts: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            abstract: "At head office: the changes that did not apply cleanly, both versions side by side.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Flag(name: .long, help: "Include conflicts already settled.") var all = false

        func run() throws {
            try authenticated(.manageSettings, refusal: SyncCommand.refusal) { services, session in
                let conflicts = try services.sync.conflicts(session, all: all)
                if conflicts.isEmpty { print("No conflicts.") }
                for conflict in conflicts {
                    print("#\(conflict.id) \(conflict.office) file \(conflict.sequence): \(conflict.table) \(conflict.rowKey) "
                        + "(\(conflict.kind))" + (conflict.resolution.map { ", kept \($0)" } ?? ""))
                    let columns = conflict.changed.isEmpty ? Array((conflict.theirs ?? conflict.ours ?? [:]).keys).sorted()
                        : conflict.changed
                    for column in columns {
                        print("  \(column): office \(conflict.theirs?[column] ?? "(deleted)") | head office "
                            + (conflict.ours?[column] ?? "(not here)"))
                    }
                }
            }
        }
    }

    struct Resolve: AuthenticatedCommand {
        static let configuration = CommandConfiguration(abstract: "At head office: settle a conflict.")
        @Argument(help: "The conflict's number, from 'komar sync conflicts'.") var id: Int64
        @Option(name: .long, help: "theirs (the office's version) or ours (head office's).") var keep: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser

        func validate() throws {
            guard ConflictChoice(rawValue: keep) != nil else { throw ValidationError("--keep is theirs or ours") }
        }

        func run() throws {
            try authenticated(.manageSettings, refusal: SyncCommand.refusal) { services, session in
                guard let choice = ConflictChoice(rawValue: keep) else { return }
                try services.sync.resolve(session, conflict: id, keep: choice)
                print("Conflict \(id): kept " + (choice == .theirs ? "the office's version" : "head office's version"))
            }
        }
    }

    struct SharedFolder: AuthenticatedCommand {
        static let configuration = CommandConfiguration(
            commandName: "folder",
            abstract: "At an office: show or set the shared folder the day's changes also go to.",
            discussion: """
                With a folder set, the first login of each day writes the day's file there as well as into \
                sync/out/, with the daily backup; a folder that is not there then (a USB stick not plugged in) \
                is said, and the changes go with the next export.
                Example: komar sync folder /mnt/head-office/komar --user admin
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actingUser: ActingUser
        @Argument(help: "The folder's full path (left out: show the folder set).") var folder: String?
        @Flag(name: .long, help: "Stop writing the day's changes to a shared folder.") var clear = false

        func validate() throws {
            if clear && folder != nil { throw ValidationError("give a folder or --clear, not both") }
        }

        func run() throws {
            try authenticated(.manageSettings, refusal: SyncCommand.refusal) { services, session in
                if clear || folder != nil {
                    let path = folder.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                    try services.sync.setSharedFolder(session, path)
                    guard let path else { return print("The day's changes go only to sync/out/ now.") }
                    print("The day's changes will also be written to \(path).")
                    var isFolder: ObjCBool = false
                    if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) || !isFolder.boolValue {
                        print("It is not there now: connect the drive or make the folder before the next login.")
                    }
                    return
                }
                print(try services.sync.sharedFolder()?.path ?? "No shared folder is set.")
            }
        }
    }
}
