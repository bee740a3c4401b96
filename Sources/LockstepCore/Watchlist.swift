/// Accounts and domains an analyst labels in advance (`state media`, `diplomat`, ...), so that
/// analyses can report how much attention goes to each label.
public struct Watchlist: Sendable, Equatable {
    /// What an entry names.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// An account id exactly as the data gives it.
        case account
        /// A handle, matched without `@` and ignoring ASCII case.
        case handle
        /// A web domain, matched without `www.` and ignoring case; subdomains match their parent.
        case domain
    }

    /// One labelled account, handle or domain.
    public struct Entry: Sendable, Equatable, Codable {
        /// What `value` names.
        public var kind: Kind
        /// The account id, handle or domain as given.
        public var value: String
        /// The analyst's label (`state media`, `diplomat`, ...).
        public var label: String
        public init(kind: Kind, value: String, label: String) {
            self.kind = kind
            self.value = value
            self.label = label
        }
    }

    /// Every entry, in the order added.
    public private(set) var entries: [Entry] = []
    private var accounts: [String: String] = [:]
    private var handles: [String: String] = [:]
    private var domains: [String: String] = [:]

    public init(_ entries: [Entry] = []) { for e in entries { add(e) } }

    /// Adds an entry; a later entry for the same value replaces the earlier label.
    public mutating func add(_ e: Entry) {
        entries.append(e)
        switch e.kind {
        case .account: accounts[e.value] = e.label
        case .handle: handles[Self.normalizeHandle(e.value)] = e.label
        case .domain: domains[Self.normalizeDomain(e.value)] = e.label
        }
    }

    /// Every label, sorted.
    public var labels: [String] { Array(Set(entries.map(\.label))).sorted() }
    /// Whether the watchlist has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The label of an account, by its id or else its handle.
    public func label(accountID: String, handle: String) -> String? {
        if let l = accounts[accountID] { return l }
        if handle.isEmpty { return nil }
        return handles[Self.normalizeHandle(handle)]
    }

    /// The label of a domain, trying the domain and then each parent (`news.example.com`, `example.com`).
    public func label(domain: String) -> String? {
        var d = Substring(Self.normalizeDomain(domain))
        while !d.isEmpty {
            if let l = domains[String(d)] { return l }
            guard let dot = d.firstIndex(of: ".") else { return nil }
            d = d[d.index(after: dot)...]
        }
        return nil
    }

    static func normalizeHandle(_ h: String) -> String {
        var s = Substring(h)
        if s.first == "@" { s.removeFirst() }
        return String(s).lowercased()
    }

    static func normalizeDomain(_ d: String) -> String {
        var s = d.lowercased()
        if let r = s.range(of: "://") { s = String(s[r.upperBound...]) }
        if let slash = s.firstIndex(of: "/") { s = String(s[..<slash]) }
        if s.hasPrefix("www.") { s.removeFirst(4) }
        return s
    }

    public static func == (l: Watchlist, r: Watchlist) -> Bool { l.entries == r.entries }
}
