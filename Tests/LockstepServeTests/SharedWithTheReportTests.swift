import Foundation
import Hummingbird
import HummingbirdTesting
import LockstepAnalysis
import LockstepCase
import LockstepReport
import Testing
@testable import LockstepServe

/// report.html and the workspace render the sections they share from the same templates and the
/// same value builders: the same run gives the same HTML in both, byte for byte.
@Suite struct SharedWithTheReportTests {
    func report() throws -> String {
        try String(contentsOf: exampleFolder.appendingPathComponent("report.html"), encoding: .utf8)
    }

    func overview() throws -> Overview.Result {
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: exampleFolder.appendingPathComponent("summary.json"))) as? [String: Any]
        let section = try JSONSerialization.data(withJSONObject: try #require(summary?["overview"]))
        return try JSONDecoder().decode(Overview.Result.self, from: section)
    }

    @Test func overviewFiguresAreTheReportsOwn() async throws {
        let figures = try SharedTemplates().render(["figures": SharedSections.overviewFigures(try overview())], "figures")
        #expect(figures.contains("accounts in the input"))
        #expect(try report().contains(figures))
        let w = try Workspace(directory: try caseCopy(), requireToken: false)
        try await Application(router: w.router()).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { #expect(body($0).contains(figures)) }
        }
    }

    @Test func anAccountsEvidenceIsTheReportsOwn() async throws {
        let dir = try caseCopy()
        let pieces = try await CaseFile.open(CaseFile.url(in: dir), readOnly: true).read { try Pages.evidence(of: "35908873", $0) }
        #expect(pieces.count >= 2)
        let evidence = try SharedTemplates().render(["evidence": SharedSections.evidence(pieces)], "evidence")
        // The report lists it in the account's row of its flagged-accounts table.
        #expect(try report().contains(evidence))
        let w = try Workspace(directory: dir, requireToken: false)
        try await Application(router: w.router()).test(.router) { client in
            try await client.execute(uri: "/accounts/35908873", method: .get) { #expect(body($0).contains(evidence)) }
            // The overview lists the top flagged accounts with the report's table.
            try await client.execute(uri: "/", method: .get) { r in
                #expect(body(r).contains("<table class=\"flagged\">"))
                #expect(body(r).contains(evidence))
            }
        }
    }

    @Test func anOperationsReasonsAreTheReportsOwn() async throws {
        let w = try Workspace(directory: try caseCopy(), requireToken: false)
        try await Application(router: w.router()).test(.router) { client in
            try await client.execute(uri: "/operations/1", method: .get) { r in
                let html = body(r)
                let start = try #require(html.range(of: "<table class=\"reasons\">"))
                let end = try #require(html.range(of: "</table>", range: start.upperBound..<html.endIndex))
                let block = String(html[start.lowerBound..<end.upperBound])
                #expect(block.contains("<b>combined</b>"))
                #expect(try report().contains(block))
            }
        }
    }

    @Test func sharedPartialsNeverRenderUnescapedValues() throws {
        for (name, text) in SharedTemplates.partials {
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name)")
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("style=\""), "\(name)")
        }
        // The report's escaping, stricter than Mustache's: backticks and bidirectional overrides too.
        let hostile = "<b>`x`\u{202E}</b>"
        let out = try SharedTemplates().render(["figures": [["value": hostile, "label": hostile]]], "figures")
        #expect(out.contains(HTML.escape(hostile)) && !out.contains("<b>`") && !out.contains("\u{202E}"))
    }
}
