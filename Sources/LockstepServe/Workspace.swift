import Foundation
import GRDB
import Hummingbird
import LockstepAnalysis
import LockstepCase
import Logging
import Mustache

/// `lockstep serve`: a local web workspace over a results folder's case file. Security model:
/// docs/serve.md (escaping templates, CSP without remote sources, CSRF tokens on every POST,
/// loopback by default and an access token beyond it).
public struct Workspace: Sendable {
    /// The results folder holding case.sqlite.
    public let directory: URL
    /// Put in every form and required on every POST.
    public let csrf: String
    /// Required on every request when bound beyond loopback; nil on loopback.
    public let token: String?
    let store: CaseStore
    let pages: Pages

    /// Opens the case (migrating its labels if needed); fails with what to do when there is none.
    public init(directory: URL, requireToken: Bool) throws {
        self.directory = directory
        store = try CaseStore(url: CaseFile.url(in: directory))
        csrf = Self.randomToken()
        token = requireToken ? Self.randomToken() : nil
        pages = try Pages()
    }

    /// Whether a host name or address is loopback, where no access token is asked for.
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", g.next() as UInt64) }.joined()
    }

    /// The routes (contract: docs/serve.md).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(SecurityMiddleware(token: token))
        let w = self
        router.get("/") { _, _ in try await w.html { try w.pages.overview($0, w) } }
        router.get("/accounts") { req, _ in
            let query = AccountQuery(parameters: FormData.parse(req.uri.query ?? ""))
            return try await w.html { try w.pages.accounts($0, query, w) }
        }
        router.get("/accounts/:id") { req, ctx in
            let id = try Self.pathID(ctx)
            let posts = max(1, Int(FormData.parse(req.uri.query ?? "")["posts_page"] ?? "") ?? 1)
            return try await w.html { try w.pages.account($0, id, postsPage: posts, w) }
        }
        router.post("/accounts/:id/label") { req, ctx in try await w.label(.account, try Self.pathID(ctx), req) }
        router.get("/clusters/:id") { _, ctx in
            let id = try Self.pathID(ctx)
            return try await w.html { try w.pages.cluster($0, id, w) }
        }
        router.post("/clusters/:id/label") { req, ctx in try await w.label(.cluster, try Self.pathID(ctx), req) }
        router.get("/operations/:id") { _, ctx in
            let id = try Self.pathID(ctx)
            return try await w.html { try w.pages.operation($0, id, w) }
        }
        router.post("/operations/:id/label") { req, ctx in try await w.label(.operation, try Self.pathID(ctx), req) }
        router.get("/hijacks") { _, _ in try await w.html { try w.pages.hijacks($0, w) } }
        router.get("/surges") { _, _ in try await w.html { try w.pages.surges($0, w) } }
        router.get("/static/style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Templates.css)))
        }
        return router
    }

    /// Serves until interrupted; `started` gets the URL once the socket listens (port 0 picks one).
    public func run(host: String, port: Int, started: @escaping @Sendable (String) -> Void) async throws {
        // Standard output is the URL line scripts read; the server's own messages go to standard error.
        var logger = Logger(label: "lockstep-serve", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        let token = self.token
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                let shownHost = host.contains(":") ? "[\(host)]" : host
                started("http://\(shownHost):\(bound)/" + (token.map { "?token=\($0)" } ?? ""))
            },
            logger: logger)
        try await app.runService()
    }

    static func pathID(_ ctx: BasicRequestContext) throws -> String {
        let raw = try ctx.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }

    /// Renders a page inside a read; a missing row is a 404 page, not an error. The read and the
    /// rendering run on the reader's own thread, and the request's task waits without holding one of
    /// the few threads that serve every connection.
    func html(_ body: @escaping @Sendable (Database) throws -> (String, HTTPResponse.Status)) async throws -> Response {
        let (page, status) = try await store.reader().read(body)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// `POST …/label`: checks the CSRF token, stores the verdict, and sends the browser back to the page.
    func label(_ kind: Label.Kind, _ id: String, _ req: Request) async throws -> Response {
        let body = try await req.body.collect(upTo: 64 * 1024)
        let form = FormData.parse(String(buffer: body))
        guard let given = form["csrf"], Self.constantTimeEqual(given, csrf) else {
            throw HTTPError(.forbidden, message: "Missing or wrong CSRF token: reload the page and submit its form again.")
        }
        guard let verdict = Label.Verdict(rawValue: form["verdict"] ?? "") else {
            throw HTTPError(.badRequest, message: "verdict must be confirmed, dismissed or unsure.")
        }
        let label = Label(kind: kind, target: id, verdict: verdict, note: form["note"] ?? "", author: form["author"] ?? "",
                          createdAt: CaseStore.now())
        do {
            try await store.writer().write { try Labels.add(label, to: $0) }
        } catch let e as CaseError {
            throw HTTPError(.badRequest, message: e.what)
        }
        let path = "/\(kind == .account ? "accounts" : kind == .cluster ? "clusters" : "operations")/\(FormData.escapePath(id))"
        return Response(status: .seeOther, headers: [.location: path])
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }
}

/// The case's connections, reopened when a re-run of `analyze` swaps the file underneath.
final class CaseStore: @unchecked Sendable {
    let url: URL
    // Guards the fields below; queries themselves run outside it, on the queues.
    private let lock = NSLock()
    private var readers: [DatabaseQueue] = []
    private var writerQueue: DatabaseQueue
    private var inode: UInt64
    private var next = 0
    // Per case file (cleared when the file is swapped): parsing summary.json costs tens of milliseconds.
    private var summaryCache: [String: Any]?
    private var sectionCache: [String: any Sendable] = [:]
    private var writtenAtCache: String?

    init(url: URL) throws {
        self.url = url
        writerQueue = try CaseFile.open(url)
        inode = Self.inode(url)
        readers = try (0..<4).map { _ in try CaseFile.open(url, readOnly: true) }
    }

    static func inode(_ url: URL) -> UInt64 {
        var s = stat()
        return stat(url.path, &s) == 0 ? UInt64(s.st_ino) : 0
    }

    private func refresh() throws {
        let now = Self.inode(url)
        guard now != inode, now != 0 else { return }
        writerQueue = try CaseFile.open(url)
        readers = try (0..<readers.count).map { _ in try CaseFile.open(url, readOnly: true) }
        inode = now
        summaryCache = nil
        sectionCache = [:]
        writtenAtCache = nil
    }

    /// summary.json of the run, parsed once per case file.
    func summary(_ db: Database) throws -> [String: Any] {
        lock.lock()
        let cached = summaryCache
        lock.unlock()
        if let cached { return cached }
        let text = try String.fetchOne(db, sql: "SELECT summary FROM runs ORDER BY id DESC LIMIT 1") ?? "{}"
        let parsed = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        lock.lock()
        summaryCache = parsed
        lock.unlock()
        return parsed
    }

    /// A section of summary.json decoded into its analysis's result type, once per case file;
    /// nil when the analysis did not run or its section does not decode.
    func section<A: Analysis>(_ analysis: A.Type, _ db: Database) throws -> A.Result? {
        lock.lock()
        let cached = sectionCache[A.name]
        lock.unlock()
        if let cached { return cached as? A.Result }
        guard let raw = try summary(db)[A.name], let data = try? JSONSerialization.data(withJSONObject: raw) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let result = try? decoder.decode(A.Result.self, from: data) else { return nil }
        lock.lock()
        sectionCache[A.name] = result
        lock.unlock()
        return result
    }

    /// A value computed from the case once per case file (the case changes only by labels between re-runs).
    func cached<T: Sendable>(_ key: String, _ make: () throws -> T) throws -> T {
        lock.lock()
        let hit = sectionCache["cached:" + key]
        lock.unlock()
        if let hit = hit as? T { return hit }
        let value = try make()
        lock.lock()
        sectionCache["cached:" + key] = value
        lock.unlock()
        return value
    }

    /// When the case file was written (its modification time), for the page footer.
    var writtenAt: String {
        lock.lock()
        defer { lock.unlock() }
        if let writtenAtCache { return writtenAtCache }
        let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
        let text = modified.map { ISO8601DateFormatter().string(from: $0) } ?? ""
        writtenAtCache = text
        return text
    }

    func reader() throws -> DatabaseQueue {
        lock.lock()
        defer { lock.unlock() }
        try refresh()
        next = (next + 1) % readers.count
        return readers[next]
    }

    func writer() throws -> DatabaseQueue {
        lock.lock()
        defer { lock.unlock() }
        try refresh()
        return writerQueue
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }
}

/// `application/x-www-form-urlencoded` for query strings and POST bodies.
enum FormData {
    static func parse(_ s: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in s.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ x: Substring) -> String {
                let plus = x.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            let key = decode(kv[0])
            if out[key] == nil { out[key] = kv.count > 1 ? decode(kv[1]) : "" }
        }
        return out
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escapePath(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
}
