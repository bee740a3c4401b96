import Foundation
import GRDB
import Hummingbird
import LockstepAnalysis
import LockstepCase
import LockstepReport

/// Builds each page's values from the case and renders its template. The sections report.html
/// shows too (figures, flagged accounts, evidence, partners, an operation's reasons) are its
/// templates and its value builders (``SharedSections``), fed from the case instead of the run.
struct Pages: Sendable {
    let templates: SharedTemplates

    init() throws {
        // Compiled once, when the server starts; each request only renders.
        templates = try SharedTemplates(adding: [
            ("layout", Templates.layout), ("fields", Templates.fields), ("labelForm", Templates.labelForm),
            ("overview", Templates.overview), ("accounts", Templates.accounts), ("account", Templates.account),
            ("group", Templates.group), ("table", Templates.table), ("notFound", Templates.notFound),
        ])
    }

    typealias Page = (String, HTTPResponse.Status)

    func render(_ template: String, _ values: [String: Any], _ db: Database, _ w: Workspace, status: HTTPResponse.Status = .ok) throws -> Page {
        var v = values
        v["folder"] = w.directory.lastPathComponent
        v["writtenAt"] = w.store.writtenAt
        v["csrf"] = w.csrf
        return (templates.render(v, template), status)
    }

    func notFound(_ what: String, _ db: Database, _ w: Workspace) throws -> Page {
        try render("notFound", ["title": "Not found", "what": what], db, w, status: .notFound)
    }

    // MARK: Overview

    func overview(_ db: Database, _ w: Workspace) throws -> Page {
        let summary = try w.store.summary(db)
        let overview = summary["overview"] as? [String: Any] ?? [:]
        let findings = summary["findings"] as? [String: Any] ?? [:]
        let input = summary["input"] as? [String: Any] ?? [:]
        func count(_ sql: String) throws -> String { String(try Int.fetchOne(db, sql: sql) ?? 0) }
        let counts: [[String: String]] = [
            ["name": "Posts", "value": Self.text(overview["posts"])],
            ["name": "Accounts", "value": try count("SELECT count(*) FROM accounts")],
            ["name": "First post", "value": Self.text(overview["firstPost"])],
            ["name": "Last post", "value": Self.text(overview["lastPost"])],
            ["name": "Flagged accounts", "value": Self.text(findings["flagged"])],
            ["name": "Clusters", "value": try count("SELECT count(*) FROM clusters")],
            ["name": "Hijack suspects", "value": try Self.hasColumn(db, "accounts", "hijack_suspect") ? count("SELECT count(*) FROM accounts WHERE hijack_suspect = 'true'") : "0"],
            ["name": "Follower surges", "value": try count("SELECT count(*) FROM follower_surges")],
            ["name": "Posts stored in the case", "value": try count("SELECT count(*) FROM posts")],
            ["name": "Labels", "value": try count("SELECT count(*) FROM current_labels")],
        ]
        let inputRows = ["rowsRead", "rowsUsed", "rowsRejected", "bytes"].map { ["name": $0, "value": Self.text(input[$0])] }
        let reasons = (findings["reasonsAmongFlagged"] as? [String: Any] ?? [:])
            .map { (code: $0.key, n: ($0.value as? NSNumber)?.intValue ?? 0) }
            .sorted { ($0.n, $1.code) > ($1.n, $0.code) }
            .map { ["code": $0.code, "count": String($0.n), "href": "/accounts?flagged=true&reason=" + FormData.escapePath($0.code)] }
        let clusters = try Row.fetchAll(db, sql: """
            SELECT c.*, (SELECT verdict FROM current_labels l WHERE l.target_kind = 'cluster' AND l.target_id = CAST(c.cluster AS TEXT)) AS label
            FROM clusters c ORDER BY c.size DESC LIMIT 500
            """).map { row -> [String: String] in
            var d = CaseQueries.strings(row)
            d["href"] = "/clusters/" + FormData.escapePath(d["cluster"] ?? "")
            return d
        }
        let operations = try Row.fetchAll(db, sql: """
            SELECT o.*, (SELECT verdict FROM current_labels l WHERE l.target_kind = 'operation' AND l.target_id = o.id) AS label
            FROM operations o ORDER BY o.id LIMIT 500
            """).map { row -> [String: String] in
            var d = CaseQueries.strings(row)
            d["href"] = "/operations/" + FormData.escapePath(d["id"] ?? "")
            // A list of accounts is shown as its size.
            if let a = d["accounts"], a.hasPrefix("[") { d["accounts"] = String(((try? JSONSerialization.jsonObject(with: Data(a.utf8))) as? [Any])?.count ?? 0) }
            return d
        }
        let figures = try w.store.section(Overview.self, db).map(SharedSections.overviewFigures) ?? []
        let findingsFigures = try w.store.section(Findings.self, db).map(SharedSections.findingsFigures) ?? []
        let flagged = try w.store.cached("flagged") { try Self.flagged(limit: 20, db) }
        let accountLink: (String) -> String? = { "/accounts/" + FormData.escapePath($0) }
        let flaggedRows = SharedSections.flaggedAccounts(flagged, links: .init(account: accountLink, partner: accountLink,
                                                                                cluster: { "/clusters/\($0)" }))
        var values: [String: Any] = [:]
        if !findingsFigures.isEmpty { values["findings"] = ["figures": findingsFigures] }
        return try render("overview", values.merging([
            "figures": figures, "flaggedAccounts": flaggedRows, "hasFlagged": !flaggedRows.isEmpty,
            "title": "Overview", "headline": Self.text(overview["headline"]), "counts": counts, "input": inputRows,
            "reasons": reasons, "clusters": clusters, "operations": operations, "hasOperations": !operations.isEmpty,
        ], uniquingKeysWith: { a, _ in a }), db, w)
    }

    // MARK: Accounts

    func accounts(_ db: Database, _ query: AccountQuery, _ w: Workspace) throws -> Page {
        let page = try CaseQueries.accounts(query, in: db)
        let all = try CaseQueries.accountColumns(db)
        func link(_ q: AccountQuery) -> String {
            var parts: [String] = []
            for (k, v) in [("q", q.q), ("flagged", q.flagged), ("role", q.role), ("cluster", q.cluster), ("operation", q.operation),
                           ("label", q.label), ("reason", q.reason), ("sort", q.sort)] where !v.isEmpty {
                parts.append(k + "=" + FormData.escapePath(v))
            }
            if q.page > 1 { parts.append("page=\(q.page)") }
            return "/accounts" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        let columns = page.columns.map { c -> [String: String] in
            var q = query
            q.sort = page.sort == "-" + c ? c : "-" + c
            q.page = 1
            return ["name": c, "href": c == "label" ? link(query) : link(q)]
        }
        let rows = page.rows.map { row -> [String: Any] in
            ["cells": page.columns.map { c -> [String: Any] in
                let v = row[c] ?? ""
                switch c {
                case "account_id", "handle": return Self.cell(v, href: "/accounts/" + FormData.escapePath(row["account_id"] ?? ""))
                case "cluster" where !v.isEmpty: return Self.cell(v, href: "/clusters/" + FormData.escapePath(v))
                case "operation" where !v.isEmpty: return Self.cell(v, href: "/operations/" + FormData.escapePath(v))
                default: return Self.cell(v)
                }
            }]
        }
        let pages = max(1, (page.total + query.pageSize - 1) / query.pageSize)
        var prev = query, next = query
        prev.page -= 1
        next.page += 1
        func options(_ values: [(String, String)], _ current: String) -> [[String: Any]] {
            values.map { ["value": $0.0, "name": $0.1, "selected": $0.0 == current] }
        }
        let roles = try String.fetchAll(db, sql: all.contains("role") ? "SELECT DISTINCT role FROM accounts WHERE role IS NOT NULL ORDER BY role LIMIT 20" : "SELECT '' WHERE 0")
        let sortable = ["score", "posts", "followers", "following", "created", "handle", "account_id", "cluster"].filter(all.contains)
        return try render("accounts", [
            "title": "Accounts", "q": query.q, "cluster": query.cluster, "operation": query.operation, "reason": query.reason,
            "hasOperation": all.contains("operation"),
            "flaggedOptions": options([("", "any"), ("true", "flagged"), ("false", "not flagged")], query.flagged),
            "roleOptions": options([("", "any")] + roles.map { ($0, $0) }, query.role),
            "labelOptions": options([("", "any"), ("confirmed", "confirmed"), ("dismissed", "dismissed"), ("unsure", "unsure"), ("none", "no label")], query.label),
            "sortOptions": options(sortable.flatMap { [("-" + $0, $0 + " ↓"), ($0, $0 + " ↑")] }, page.sort),
            "total": String(page.total), "page": String(query.page), "pages": String(pages),
            "columns": columns, "rows": rows,
            "prev": query.page > 1 ? link(prev) : "", "next": query.page < pages ? link(next) : "",
        ].filter { !($0.value is String && ["prev", "next"].contains($0.key) && ($0.value as! String).isEmpty) }, db, w)
    }

    // MARK: Account

    func account(_ db: Database, _ id: String, postsPage: Int, _ w: Workspace) throws -> Page {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE account_id = ?", arguments: [id]) else {
            return try notFound("No account \(id) in this case.", db, w)
        }
        let a = CaseQueries.strings(row)
        var v: [String: Any] = ["title": "@" + (a["handle"] ?? id), "id": id, "handle": a["handle"] ?? "",
                                "flagged": a["flagged"] == "true", "role": a["role"] ?? "", "score": a["score"] ?? "",
                                "cluster": a["cluster"] ?? "", "operation": a["operation"] ?? ""]
        if let c = a["cluster"], !c.isEmpty { v["clusterHref"] = "/clusters/" + FormData.escapePath(c) }
        if let o = a["operation"], !o.isEmpty { v["operationHref"] = "/operations/" + FormData.escapePath(o) }
        v["fields"] = CaseQueries.pairs(row).map { ["name": $0.0, "value": $0.1] }
        try addLabel(&v, .account, id, "/accounts/" + FormData.escapePath(id) + "/label", db)
        let evidence = try Self.evidence(of: id, db)
        v["evidence"] = SharedSections.evidence(evidence)
        v["hasEvidence"] = !evidence.isEmpty
        let partners = try Self.partners(of: id, db)
        v["partners"] = SharedSections.partners(partners, examples: .max, link: { "/accounts/" + FormData.escapePath($0) })
        v["hasPartners"] = !partners.isEmpty
        let postCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM posts WHERE account_id = ?", arguments: [id]) ?? 0
        v["postCount"] = String(postCount)
        v["hasPosts"] = postCount > 0
        if postCount > 0 {
            var grid = Array(repeating: Array(repeating: 0, count: 24), count: 7)
            // 1970-01-01 was a Thursday: day + 3 mod 7 counts from Monday.
            for r in try Row.fetchAll(db, sql: """
                SELECT ((unix_time / 86400) % 7 + 10) % 7 AS d, ((unix_time % 86400) + 86400) % 86400 / 3600 AS h, count(*) AS n
                FROM posts WHERE account_id = ? GROUP BY d, h
                """, arguments: [id]) {
                grid[r["d"]][r["h"]] = r["n"]
            }
            let top = max(1, grid.flatMap { $0 }.max() ?? 1)
            let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            v["hours"] = (0..<24).map { String(format: "%02d", $0) }
            v["heatmap"] = (0..<7).map { d in
                ["day": days[d], "cells": grid[d].map { n in
                    ["count": String(n), "shown": n == 0 ? "" : String(n), "level": String(n == 0 ? 0 : 1 + min(4, n * 4 / top))]
                }] as [String: Any]
            }
            v["clients"] = try Row.fetchAll(db, sql: """
                SELECT coalesce(client, '(none)') AS client, count(*) AS n, min(time) AS first, max(time) AS last
                FROM posts WHERE account_id = ? GROUP BY client ORDER BY min(unix_time)
                """, arguments: [id]).map(CaseQueries.strings)
        }
        let perPage = 100
        v["posts"] = try Row.fetchAll(db, sql: """
            SELECT time, kind, post_id, text, client, hashtags FROM posts WHERE account_id = ? ORDER BY unix_time DESC LIMIT ? OFFSET ?
            """, arguments: [id, perPage, (postsPage - 1) * perPage]).map(CaseQueries.strings)
        let base = "/accounts/" + FormData.escapePath(id) + "?posts_page="
        if postsPage > 1 { v["postsPrev"] = base + String(postsPage - 1) }
        if postsPage * perPage < postCount { v["postsNext"] = base + String(postsPage + 1) }
        return try render("account", v, db, w)
    }

    static func evidence(of id: String, _ db: Database) throws -> [SharedSections.Piece] {
        try Row.fetchAll(db, sql: "SELECT code, weight, detail FROM evidence WHERE account_id = ? ORDER BY rank", arguments: [id]).map {
            SharedSections.Piece(code: $0["code"] ?? "", weight: $0["weight"] ?? 0, detail: $0["detail"] ?? "")
        }
    }

    static func partners(of id: String, _ db: Database) throws -> [SharedSections.Partner] {
        // rowid: the run's order (strongest first), as report.html lists them.
        try Row.fetchAll(db, sql: "SELECT * FROM partners WHERE account_id = ? ORDER BY rowid", arguments: [id]).map { r in
            SharedSections.Partner(account: r["partner_id"] ?? "", handle: r["partner_handle"] ?? "", trace: r["trace"] ?? "", weight: r["weight"] ?? 0,
                                   pValue: r["p_value"], leads: r["leads"] ?? 0, follows: r["follows"] ?? 0,
                                   examples: (r["examples"] as String? ?? "").split(separator: "\n").map(String.init))
        }
    }

    /// The highest-scoring flagged accounts with their evidence and partners, as report.html lists them.
    static func flagged(limit: Int, _ db: Database) throws -> [SharedSections.Flagged] {
        let columns = try CaseQueries.accountColumns(db)
        guard ["flagged", "score"].allSatisfy(columns.contains) else { return [] }
        let role = columns.contains("role") ? "role" : "NULL", cluster = columns.contains("cluster") ? "cluster" : "NULL"
        return try Row.fetchAll(db, sql: """
            SELECT account_id, handle, score, \(role) AS role, \(cluster) AS cluster FROM accounts
            WHERE flagged = 'true' ORDER BY score DESC, rowid LIMIT ?
            """, arguments: [limit]).map { r in
            let id: String = r["account_id"] ?? ""
            return SharedSections.Flagged(account: id, handle: r["handle"] ?? "", score: r["score"] ?? 0, role: r["role"], cluster: r["cluster"],
                                          evidence: try evidence(of: id, db), partners: try partners(of: id, db))
        }
    }

    func addLabel(_ v: inout [String: Any], _ kind: Label.Kind, _ id: String, _ action: String, _ db: Database) throws {
        let history = try Labels.history(kind, id, in: db)
        func dict(_ l: Label) -> [String: Any] {
            ["verdict": l.verdict.rawValue, "note": l.note, "author": l.author.isEmpty ? "(anonymous)" : l.author, "createdAt": l.createdAt,
             "hasNote": !l.note.isEmpty]
        }
        if let current = history.first { v["label"] = dict(current) }
        v["history"] = history.map(dict)
        v["hasHistory"] = history.count > 1
        v["historyCount"] = String(history.count)
        v["labelAction"] = action
    }

    // MARK: Clusters and operations

    func cluster(_ db: Database, _ id: String, _ w: Workspace) throws -> Page {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clusters WHERE cluster = ?", arguments: [id]) else {
            return try notFound("No cluster \(id) in this case.", db, w)
        }
        var v: [String: Any] = ["title": "Cluster \(id)", "kindTitle": "Cluster", "id": id]
        v["fields"] = CaseQueries.pairs(row).filter { $0.0 != "members" }.map { ["name": $0.0, "value": $0.1] }
        try addLabel(&v, .cluster, id, "/clusters/" + FormData.escapePath(id) + "/label", db)
        try addGroup(&v, members: "cluster = ?", [id], membersFilter: "cluster=" + FormData.escapePath(id), narrativeGroup: "cluster:" + id, db)
        return try render("group", v, db, w)
    }

    func operation(_ db: Database, _ id: String, _ w: Workspace) throws -> Page {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM operations WHERE id = ?", arguments: [id]) else {
            return try notFound("No operation \(id) in this case (a run without the operations analysis has none).", db, w)
        }
        var v: [String: Any] = ["title": "Operation \(id)", "kindTitle": "Operation", "id": id]
        v["fields"] = CaseQueries.pairs(row).map { ["name": $0.0, "value": $0.1] }
        // The verdict's reasons as report.html shows them (the row keeps them as JSON text).
        if let text = row["reasons"] as String?, let reasons = try? JSONDecoder().decode([VerdictReason].self, from: Data(text.utf8)) {
            v["reasons"] = SharedSections.operationReasons(reasons, inauthentic: row["inauthentic"] ?? 0, authentic: row["authentic"] ?? 0)
        }
        try addLabel(&v, .operation, id, "/operations/" + FormData.escapePath(id) + "/label", db)
        if try Self.hasColumn(db, "clusters", "operation") {
            let clusters = try Row.fetchAll(db, sql: "SELECT cluster, size FROM clusters WHERE operation = ? ORDER BY size DESC", arguments: [id]).map { r -> [String: String] in
                var d = CaseQueries.strings(r)
                d["href"] = "/clusters/" + FormData.escapePath(d["cluster"] ?? "")
                return d
            }
            v["clusters"] = clusters
            v["hasClusters"] = !clusters.isEmpty
        }
        if try Self.hasColumn(db, "accounts", "operation") {
            try addGroup(&v, members: "operation = ?", [id], membersFilter: "operation=" + FormData.escapePath(id), narrativeGroup: "operation:" + id, db)
        } else {
            try addGroup(&v, members: "0", [], narrativeGroup: "", db)
        }
        return try render("group", v, db, w)
    }

    /// Members listed on a group page (the picture draws them all).
    static let membersShown = 300

    /// Members, their network (core on an inner ring, amplifiers outside) and the group's narratives.
    func addGroup(_ v: inout [String: Any], members condition: String, _ args: [String], membersFilter: String? = nil, narrativeGroup: String, _ db: Database) throws {
        let hasRole = try Self.hasColumn(db, "accounts", "role")
        let members = try Row.fetchAll(db, sql: """
            SELECT account_id, handle, \(hasRole ? "role" : "NULL AS role"), score, flagged,
                   (SELECT verdict FROM current_labels l WHERE l.target_kind = 'account' AND l.target_id = a.account_id) AS label
            FROM accounts a WHERE \(condition) ORDER BY score DESC, account_id LIMIT \(Self.membersShown)
            """, arguments: StatementArguments(args)).map { r -> [String: String] in
            var d = CaseQueries.strings(r)
            d["href"] = "/accounts/" + FormData.escapePath(d["account_id"] ?? "")
            return d
        }
        v["members"] = members
        // The page lists the strongest members; the accounts table pages through all of them (a
        // cluster of thousands made a page of megabytes, rendered on every visit).
        let total = members.count < Self.membersShown ? members.count
            : try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts a WHERE \(condition)", arguments: StatementArguments(args)) ?? members.count
        v["memberCount"] = String(total)
        if total > members.count, let filter = membersFilter {
            v["moreMembers"] = ["shown": String(members.count), "href": "/accounts?" + filter + "&sort=-score"]
        }
        // The picture: the 400 strongest edges among the members listed.
        let shown = members
        let core = shown.filter { $0["role"] == "core" }, rest = shown.filter { $0["role"] != "core" }
        var position: [String: (Double, Double)] = [:]
        var nodes: [[String: String]] = []
        for (ring, radius) in [(core, 120.0), (rest, 260.0)] {
            for (k, m) in ring.enumerated() {
                let angle = 2 * Double.pi * Double(k) / Double(max(1, ring.count))
                let p = (300 + radius * cos(angle), 300 + radius * sin(angle))
                position[m["account_id"] ?? ""] = p
                nodes.append(["x": Self.coord(p.0), "y": Self.coord(p.1), "r": m["role"] == "core" ? "6" : "4",
                              "role": m["role"] == "core" ? "core" : m["role"] == "amplifier" ? "amplifier" : "other",
                              "handle": m["handle"] ?? "", "href": m["href"] ?? ""])
            }
        }
        var links: [[String: String]] = []
        var edgeCount = 0
        if !shown.isEmpty {
            let ids = shown.compactMap { $0["account_id"] }
            let list = ids.map { _ in "?" }.joined(separator: ",")
            let edges = try Row.fetchAll(db, sql: """
                SELECT account_a, account_b, sum(weight) AS w FROM edges
                WHERE account_a IN (\(list)) AND account_b IN (\(list)) GROUP BY account_a, account_b ORDER BY w DESC
                """, arguments: StatementArguments(ids + ids))
            edgeCount = edges.count
            for e in edges.prefix(400) {
                guard let p = position[e["account_a"] as String? ?? ""], let q = position[e["account_b"] as String? ?? ""] else { continue }
                links.append(["x1": Self.coord(p.0), "y1": Self.coord(p.1), "x2": Self.coord(q.0), "y2": Self.coord(q.1)])
            }
        }
        v["nodes"] = nodes
        v["links"] = links
        v["shownEdges"] = String(links.count)
        v["edgeCount"] = String(edgeCount)
        v["narratives"] = try Row.fetchAll(db, sql: """
            SELECT period, term, count, share FROM narratives WHERE "group" = ? ORDER BY count DESC LIMIT 30
            """, arguments: [narrativeGroup]).map(CaseQueries.strings)
    }

    // MARK: Hijacks and surges

    func hijacks(_ db: Database, _ w: Workspace) throws -> Page {
        let all = try CaseQueries.accountColumns(db)
        let wanted = ["account_id", "handle", "posts", "created", "dormant_from", "dormant_to", "dormant_days", "hijack_points", "flagged", "reasons"].filter(all.contains)
        let rows = all.contains("hijack_suspect")
            ? try Row.fetchAll(db, sql: "SELECT \(wanted.map { CSVTable_quote($0) }.joined(separator: ", ")) FROM accounts WHERE hijack_suspect = 'true' ORDER BY \(all.contains("hijack_points") ? "hijack_points DESC," : "") account_id LIMIT 5000")
            : []
        return try render("table", ["title": "Hijack suspects", "intro": "Dormant accounts that came back changed (language, client, schedule, test posts): \(rows.count) shown.",
                                    "columns": wanted, "rows": rows.map { Self.cells($0, wanted, links: ["account_id": "/accounts/"]) }], db, w)
    }

    func surges(_ db: Database, _ w: Workspace) throws -> Page {
        let columns = try db.columns(in: "follower_surges").map(\.name)
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM follower_surges ORDER BY size DESC LIMIT 5000")
        return try render("table", ["title": "Follower surges", "intro": "Bursts of new followers, mostly freshly created accounts: \(rows.count) shown.",
                                    "columns": columns, "rows": rows.map { Self.cells($0, columns, links: ["target": "/accounts/"]) }], db, w)
    }

    static func cells(_ row: Row, _ columns: [String], links: [String: String]) -> [String: Any] {
        let d = CaseQueries.strings(row)
        return ["cells": columns.map { c -> [String: Any] in
            let value = d[c] ?? ""
            if let prefix = links[c], !value.isEmpty { return cell(value, href: prefix + FormData.escapePath(value)) }
            return cell(value)
        }]
    }

    /// A table cell. `linked` is always there: a key the cell lacks would be looked up in every
    /// enclosing context (row, page), and those lookups were most of a table's rendering time.
    static func cell(_ value: String, href: String? = nil) -> [String: Any] {
        if let href { return ["value": value, "href": href, "linked": true] }
        return ["value": value, "linked": false]
    }

    static func hasColumn(_ db: Database, _ table: String, _ column: String) throws -> Bool {
        try db.columns(in: table).contains { $0.name == column }
    }

    static func coord(_ x: Double) -> String { String(format: "%.1f", x) }

    static func text(_ v: Any?) -> String {
        switch v {
        case let s as String: s
        case let n as NSNumber: n.stringValue
        default: ""
        }
    }
}

func CSVTable_quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
