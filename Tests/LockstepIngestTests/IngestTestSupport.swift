import Foundation
import LockstepCore
@testable import LockstepIngest

/// Shared helpers for the ingest tests: where the real data lies, temp files, and a dataset
/// rendered as comparable text.
enum TestData {
    /// `../shared/data` next to the repository root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    static func path(_ rel: String) -> String { root.appendingPathComponent(rel).path }

    /// Whether a file of the shared data is present; tests using it are skipped (with this reason) when not.
    static func has(_ rel: String) -> Bool {
        let ok = FileManager.default.fileExists(atPath: path(rel))
        if !ok { print("skipped: \(path(rel)) is not on this machine (the shared data folder sits next to the repository)") }
        return ok
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temp(_ text: String, name: String = "input.jsonl") throws -> String {
        try temp(Array(text.utf8), name: name)
    }

    static func temp(_ bytes: [UInt8], name: String) throws -> String {
        let dir = tempDir()
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func load(_ paths: [String], workers: Int = 2, format: InputFormat? = nil, mapping: String? = nil, strict: Bool = false) throws -> Dataset {
        var o = IngestOptions()
        o.workers = workers
        o.format = format
        o.mapping = mapping
        o.strict = strict
        return try Ingest.load(paths, options: o)
    }
}

/// A dataset as lines of text, for equality checks that name what differs.
struct DatasetText: Equatable {
    var posts: [String]
    var accounts: [String]

    init(_ d: Dataset, sorted: Bool = false) {
        func key(_ k: Int32) -> String { k == noID ? "-" : d.postKeys[k] }
        func acc(_ a: Int32) -> String { a == noID ? "-" : d.accounts.key[a] }
        func s(_ t: StringTable, _ i: Int32) -> String { i == noID ? "-" : t[i] }
        var posts: [String] = []
        for p in 0..<d.posts.count {
            let tags = d.posts.hashtags[p].map { d.hashtags[$0] }.joined(separator: " ")
            let urls = d.posts.urls[p].map { d.urls[$0] }.joined(separator: " ")
            let mentions = d.posts.mentions[p].map { acc($0) }.joined(separator: " ")
            posts.append([key(d.posts.key[p]), acc(d.posts.account[p]), String(d.posts.time[p]), d.posts.kind[p].name,
                          d.text(ofPost: p), s(d.languages, d.posts.language[p]), s(d.clients, d.posts.client[p]),
                          "rt:" + key(d.posts.retweetOf[p]) + "/" + acc(d.posts.retweetAccount[p]),
                          "q:" + key(d.posts.quoteOf[p]), "re:" + key(d.posts.replyTo[p]) + "/" + acc(d.posts.replyAccount[p]),
                          "#" + tags, "u:" + urls, "@" + mentions].joined(separator: "|"))
        }
        var accounts: [String] = []
        let t = d.accounts
        for a in 0..<t.count {
            accounts.append([t.key[a], t.profileArena.string(t.handle[a]), t.profileArena.string(t.displayName[a]),
                             t.profileArena.string(t.description[a]), t.profileArena.string(t.location[a]),
                             t.profileArena.string(t.profileURL[a]), String(t.created[a]), String(t.followers[a]),
                             String(t.following[a]), s(d.languages, t.language[a]), String(t.origin[a].rawValue)].joined(separator: "|"))
        }
        self.posts = sorted ? posts.sorted() : posts
        self.accounts = sorted ? accounts.sorted() : accounts
    }
}
