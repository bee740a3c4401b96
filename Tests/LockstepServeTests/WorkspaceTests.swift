import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LockstepAnalysis
import LockstepCase
import LockstepCore
import LockstepIngest
import LockstepReport
import Testing
@testable import LockstepServe

/// The example's results folder with a case, built once; each test works on its own copy.
let exampleFolder: URL = {
    let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/troll-factory")
    var dataset = try! Ingest.load([example.path])
    var context = AnalysisContext()
    (context.followers, context.watchlist) = try! Ingest.sideInputs(of: &dataset, followers: [], watchlists: [], strict: false)
    let run = try! AnalysisRun.run(AnalysisCatalogue.all, on: dataset, options: AnalysisOptions(), context: context)
    let folder = scratch()
    try! ResultsWriter.write(dataset: dataset, run: run, inputs: [example.path], directory: folder)
    try! CaseWriter.write(dataset: dataset, run: run, directory: folder)
    return folder
}()

func scratch() -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-serve-tests").appendingPathComponent(UUID().uuidString)
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

func caseCopy() throws -> URL {
    let d = scratch()
    try FileManager.default.copyItem(at: CaseFile.url(in: exampleFolder), to: CaseFile.url(in: d))
    return d
}

func body(_ r: TestResponse) -> String { String(buffer: r.body) }

@Suite struct WorkspaceTests {
    @Test func everyPageAnswersWithTheSecurityHeaders() async throws {
        let w = try Workspace(directory: try caseCopy(), requireToken: false)
        let app = Application(router: w.router())
        try await app.test(.router) { client in
            for path in ["/", "/accounts", "/accounts?q=sarah&flagged=true&sort=-score&page=1", "/accounts/35908873", "/clusters/1",
                         "/operations/1", "/hijacks", "/surges", "/static/style.css"] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .ok, "\(path)")
                    let csp = r.headers[.contentSecurityPolicy] ?? ""
                    #expect(csp.contains("default-src 'none'") && !csp.contains("http"), "\(path): \(csp)")
                    #expect(r.headers[.xContentTypeOptions] == "nosniff")
                }
            }
            try await client.execute(uri: "/accounts/no-such-account", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/operations/99", method: .get) { #expect($0.status == .notFound) }
            // The example's one operation: its cluster and members are listed.
            try await client.execute(uri: "/operations/1", method: .get) { r in
                #expect(body(r).contains("href=\"/clusters/1\""))
                #expect(body(r).contains("Members (63)"))
            }
        }
    }

    /// A group larger than a page lists its strongest members, says how many there are, and links to
    /// the accounts table filtered to it; its narratives come through the group index built on open.
    @Test func aLargeGroupListsItsStrongestMembersAndLinksToAll() async throws {
        let dir = try caseCopy()
        let db = try DatabaseQueue(path: CaseFile.url(in: dir).path)
        let members = try await db.write { db -> Int in
            try db.execute(sql: "UPDATE accounts SET cluster = 1 WHERE rowid <= 400")
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts WHERE cluster = 1") ?? 0
        }
        try await db.close()
        #expect(members >= 400)
        let w = try Workspace(directory: dir, requireToken: false)
        let check = try CaseFile.open(CaseFile.url(in: dir), readOnly: true)
        #expect(try await check.read { try $0.indexes(on: "narratives").contains { $0.name == "narratives_group" } })
        try await Application(router: w.router()).test(.router) { client in
            try await client.execute(uri: "/clusters/1", method: .get) { r in
                let html = body(r)
                #expect(html.contains("Members (\(members))"))
                #expect(html.contains("The \(Pages.membersShown) highest-scoring members"))
                #expect(html.contains("href=\"/accounts?cluster=1&amp;sort=-score\">all \(members) in the accounts table"))
                let listed = html.components(separatedBy: "<h2>Members").last?.components(separatedBy: "<tr><td><a href=\"/accounts/").count ?? 0
                #expect(listed - 1 == Pages.membersShown)
            }
            try await client.execute(uri: "/accounts?cluster=1&sort=-score", method: .get) { r in
                #expect(body(r).contains("\(members)"))
            }
            // A group within a page lists everyone, with no link.
            try await client.execute(uri: "/operations/1", method: .get) { r in
                #expect(!body(r).contains("highest-scoring members"))
            }
        }
    }

    @Test func accountsPageSearchesAndLinksTheAccount() async throws {
        let w = try Workspace(directory: try caseCopy(), requireToken: false)
        try await Application(router: w.router()).test(.router) { client in
            try await client.execute(uri: "/accounts?q=Sarah9117", method: .get) { r in
                let html = body(r)
                // The named account first, then accounts whose posts mention it (retweets name the handle).
                let firstRow = html.components(separatedBy: "<tr><td>").dropFirst().first ?? ""
                #expect(firstRow.hasPrefix("<a href=\"/accounts/35908873\">"))
            }
        }
    }

    @Test func aLabelNeedsTheCSRFTokenAndIsKept() async throws {
        let dir = try caseCopy()
        let w = try Workspace(directory: dir, requireToken: false)
        let form = "application/x-www-form-urlencoded"
        try await Application(router: w.router()).test(.router) { client in
            try await client.execute(uri: "/accounts/35908873", method: .get) { r in
                #expect(body(r).contains("name=\"csrf\" value=\"\(w.csrf)\""))
            }
            for bad in ["verdict=confirmed&note=x", "verdict=confirmed&csrf=wrong", "csrf=&verdict=confirmed"] {
                try await client.execute(uri: "/accounts/35908873/label", method: .post, headers: [.contentType: form],
                                         body: ByteBuffer(string: bad)) { #expect($0.status == .forbidden, "\(bad)") }
            }
            try await client.execute(uri: "/accounts/35908873/label", method: .post, headers: [.contentType: form],
                                     body: ByteBuffer(string: "csrf=\(w.csrf)&verdict=confirmed&note=same+minute+%26+client&author=ana")) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/accounts/35908873")
            }
            try await client.execute(uri: "/accounts/35908873", method: .get) { r in
                #expect(body(r).contains("Current label: <strong>confirmed</strong> by ana"))
                #expect(body(r).contains("same minute &amp; client"))
            }
            try await client.execute(uri: "/accounts?label=confirmed", method: .get) { #expect(body($0).contains("1 account(s)")) }
            try await client.execute(uri: "/clusters/1/label", method: .post, headers: [.contentType: form],
                                     body: ByteBuffer(string: "csrf=\(w.csrf)&verdict=unsure")) { #expect($0.status == .seeOther) }
        }
        // A restarted server (a new workspace on the same folder) sees the labels.
        let again = try CaseFile.open(CaseFile.url(in: dir))
        let account = try await again.read { try Labels.current(.account, "35908873", in: $0) }
        let cluster = try await again.read { try Labels.current(.cluster, "1", in: $0) }
        #expect(account?.author == "ana")
        #expect(cluster?.verdict == .unsure)
    }

    @Test func dataIsEscapedEverywhere() async throws {
        let dir = try caseCopy()
        let hostile = "<script>document.title='PWNED'</script>\"><img src=x onerror=alert(1)>"
        let db = try CaseFile.open(CaseFile.url(in: dir))
        try await db.write { db in
            try db.execute(sql: "UPDATE accounts SET handle = ? WHERE account_id = '35908873'", arguments: [hostile])
            try db.execute(sql: "UPDATE posts SET text = ?, client = ? WHERE account_id = '35908873'", arguments: [hostile, hostile])
            try db.execute(sql: "UPDATE evidence SET detail = ? WHERE account_id = '35908873'", arguments: [hostile])
            try Labels.add(Label(target: "35908873", verdict: .unsure, note: hostile, author: hostile, createdAt: "2026-01-01T00:00:00Z"), to: db)
        }
        try db.close()
        let w = try Workspace(directory: dir, requireToken: false)
        try await Application(router: w.router()).test(.router) { client in
            for path in ["/accounts/35908873", "/accounts?q=35908873", "/clusters/1", "/hijacks", "/accounts/%3Cscript%3E"] {
                try await client.execute(uri: path, method: .get) { r in
                    let html = body(r)
                    #expect(!html.contains("<script"), "\(path)")
                    #expect(!html.contains("<img src=x"), "\(path)")
                }
            }
            try await client.execute(uri: "/accounts/35908873", method: .get) { #expect(body($0).contains("&lt;script&gt;")) }
        }
    }

    @Test func noTemplateRendersUnescapedValues() {
        for t in [Templates.layout, Templates.fields, Templates.labelForm, Templates.overview, Templates.accounts, Templates.account,
                  Templates.group, Templates.table, Templates.notFound] {
            #expect(!t.contains("{{{") && !t.contains("{{&"))
            #expect(!t.contains("http://") && !t.contains("https://") && !t.contains("style=\""))
        }
    }

    @Test func beyondLoopbackEveryRequestNeedsTheToken() async throws {
        let w = try Workspace(directory: try caseCopy(), requireToken: true)
        let token = try #require(w.token)
        try await Application(router: w.router()).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/?token=wrong", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/?token=\(token)", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.setCookie]?.contains("HttpOnly") == true)
            }
            try await client.execute(uri: "/accounts", method: .get, headers: [.cookie: "lockstep_token=\(token)"]) { #expect($0.status == .ok) }
        }
        #expect(Workspace.isLoopback("127.0.0.1") && !Workspace.isLoopback("0.0.0.0"))
    }

    @Test func aMissingCaseSaysHowToMakeOne() {
        #expect(throws: CaseError.self) { try Workspace(directory: scratch(), requireToken: false) }
    }
}
