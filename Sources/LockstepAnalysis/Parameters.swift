import Foundation
import LockstepCore

/// One tunable parameter of an analysis: its name, type, valid range, default and help.
///
/// The analyses declare these once, in their `parameters`; parsing (`--set`), validation,
/// `lockstep analyses`, the docs' parameter tables (checked by a test) and `summary.json`'s record
/// of the values used all come from that declaration, so a default cannot be written twice.
public struct ParameterSpec: Sendable {
    /// What values a parameter takes.
    public enum Kind: Sendable {
        /// A whole number in a range.
        case integer(ClosedRange<Int>)
        /// A number in a range; `open` excludes the lower bound (`(0, 1]`).
        case number(ClosedRange<Double>, lowerOpen: Bool)
        /// A duration (`60s`, `5m`, `2h`, `7d`, `1w`, or plain seconds) in a range of seconds.
        case duration(ClosedRange<Int64>)
        /// One of a few words.
        case choice([String])
        /// A comma-separated selection of names (or one of the `words`).
        case list([String])
        /// A time zone: UTC, ±HH:MM, an IANA name, or auto.
        case zone

        /// Whole numbers from `min` up.
        public static func atLeast(_ min: Int) -> Kind { .integer(min...1_000_000_000) }
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: String
    public var help: String
    /// Words accepted besides the kind's values (`auto` for an estimated window; the default's own word).
    public var words: [String]
    /// Extra keys `name.<suffix>` taking the same kind (coordination's per-trace windows).
    public var suffixes: [String]

    public init(_ name: String, _ kind: Kind, default defaultValue: String, words: [String] = [],
                suffixes: [String] = [], _ help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.words = words
        self.suffixes = suffixes
    }

    /// The keys this parameter answers to under an analysis's name.
    func keys(of analysis: String) -> [String] {
        ["\(analysis).\(name)"] + suffixes.map { "\(analysis).\(name).\($0)" }
    }

    /// The name shown in help and docs (`window.<trace>` for a suffixed family).
    public var displayName: String { name }

    /// What a valid value looks like, for messages and docs.
    public var expected: String {
        let extra = words.isEmpty ? "" : " or " + words.joined(separator: " or ")
        switch kind {
        case .integer(let r):
            return (r.upperBound >= 1_000_000_000 ? "a whole number of at least \(r.lowerBound)" : "a whole number from \(r.lowerBound) to \(r.upperBound)") + extra
        case .number(let r, let open):
            let lo = open ? "above \(Self.plain(r.lowerBound))" : "from \(Self.plain(r.lowerBound))"
            return (r.upperBound.isInfinite ? "a number \(open ? "above" : "of at least") \(Self.plain(r.lowerBound))" : "a number \(lo) up to \(Self.plain(r.upperBound))") + extra
        case .duration(let r):
            return "a duration such as 60s, 5m, 2h or 7d, from \(Self.duration(r.lowerBound)) to \(Self.duration(r.upperBound))" + extra
        case .choice(let c):
            return "one of " + (c + words).joined(separator: ", ")
        case .list(let names):
            return "a comma-separated list of " + names.joined(separator: ", ") + extra
        case .zone:
            return "auto, UTC, ±HH:MM or an IANA zone name such as Asia/Shanghai"
        }
    }

    /// Checks a value against the kind; returns nothing, throws ``OptionError`` naming the key and the valid range.
    func validate(_ value: String, key: String) throws {
        if words.contains(value) { return }
        let bad = OptionError(key: key, value: value, expected: expected)
        switch kind {
        case .integer(let r):
            guard let v = Int(value), r.contains(v) else { throw bad }
        case .number(let r, let open):
            guard let v = Double(value), v.isFinite, r.contains(v), !(open && v == r.lowerBound) else { throw bad }
        case .duration(let r):
            guard let v = Self.parseDuration(value), r.contains(v) else { throw bad }
        case .choice(let c):
            guard c.contains(value) else { throw bad }
        case .list(let names):
            let picked = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !picked.isEmpty, picked.allSatisfy(names.contains) else { throw bad }
        case .zone:
            guard ZoneSpec.parse(value) != nil else { throw bad }
        }
    }

    /// Seconds in a duration such as `60s`, `5m`, `2h`, `1d`, `1w` or plain seconds; nil when it is
    /// not one, is negative, or does not fit (`1e999s`, `99999999999999999999d`).
    public static func parseDuration(_ s: String) -> Int64? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let last = s.last else { return nil }
        let (digits, unit) = units[last].map { (String(s.dropLast()), $0) } ?? (s, 1)
        guard let n = Double(digits), n.isFinite, n >= 0 else { return nil }
        let seconds = (n * unit).rounded()
        // Past 2^62 seconds nothing is meaningful, and Int64(_:) would trap near 2^63.
        guard seconds < 4.6e18 else { return nil }
        return Int64(seconds)
    }

    static func plain(_ v: Double) -> String { NumberText.shortest(v) }

    static func duration(_ s: Int64) -> String {
        if s % 86_400 == 0 && s > 0 { return "\(s / 86_400)d" }
        if s % 3600 == 0 && s > 0 { return "\(s / 3600)h" }
        if s % 60 == 0 && s > 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}

/// A bad parameter value, with what was expected.
public struct OptionError: Error, CustomStringConvertible, Sendable {
    public var key: String
    public var value: String
    public var expected: String
    public init(key: String, value: String, expected: String) {
        self.key = key
        self.value = value
        self.expected = expected
    }
    public var description: String { "invalid value '\(value)' for '\(key)': expected \(expected)" }
}

/// A `--set` key no analysis declares.
public struct UnknownParameter: Error, CustomStringConvertible, Sendable {
    public var key: String
    /// The closest known key, if one is close.
    public var suggestion: String?
    public var description: String {
        "unknown parameter '\(key)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (`lockstep analyses` lists every parameter)"
    }
}

/// Parameter values as given on the command line: `analysis.param` keys, or a bare shared key (`tz`).
public struct AnalysisOptions: Sendable {
    public var values: [String: String]
    public init(_ values: [String: String] = [:]) { self.values = values }

    /// Bare keys that set the parameter of that name in every analysis declaring it (`--tz` sets `tz`).
    public static let sharedKeys: Set<String> = ["tz"]

    /// The value given for `analysis.param` (or a shared bare key), or nil.
    public func given(_ analysis: String, _ param: String) -> String? {
        values["\(analysis).\(param)"] ?? (Self.sharedKeys.contains(param) ? values[param] : nil)
    }

    /// The value in force: the one given, else the declared default. Validated against the declaration.
    public func string<A: Analysis>(_ a: A.Type, _ param: String) throws -> String {
        let spec = Self.spec(a, param)
        let v = given(A.name, param) ?? spec.defaultValue
        try spec.validate(v, key: "\(A.name).\(param)")
        return v
    }

    public func int<A: Analysis>(_ a: A.Type, _ param: String) throws -> Int {
        let s = try string(a, param)
        guard let v = Int(s) else { throw OptionError(key: "\(A.name).\(param)", value: s, expected: Self.spec(a, param).expected) }
        return v
    }

    public func double<A: Analysis>(_ a: A.Type, _ param: String) throws -> Double {
        let s = try string(a, param)
        guard let v = Double(s) else { throw OptionError(key: "\(A.name).\(param)", value: s, expected: Self.spec(a, param).expected) }
        return v
    }

    /// A duration in seconds; nil when the value in force is one of the declared words (`auto`).
    public func seconds<A: Analysis>(_ a: A.Type, _ param: String) throws -> Int64? {
        let s = try string(a, param)
        return ParameterSpec.parseDuration(s)
    }

    /// A suffixed key of a family (`coordination.window.co_retweet`), validated like its parameter; nil when not given.
    public func suffixed<A: Analysis>(_ a: A.Type, _ param: String, _ suffix: String) throws -> String? {
        guard let v = values["\(A.name).\(param).\(suffix)"] else { return nil }
        try Self.spec(a, param).validate(v, key: "\(A.name).\(param).\(suffix)")
        return v
    }

    /// The values in force for an analysis, given or default, for `summary.json`.
    public func inForce(_ a: any Analysis.Type) -> [String: String] {
        var out: [String: String] = [:]
        for p in a.parameters {
            out[p.name] = given(a.name, p.name) ?? p.defaultValue
            for s in p.suffixes { if let v = values["\(a.name).\(p.name).\(s)"] { out["\(p.name).\(s)"] = v } }
        }
        return out
    }

    static func spec<A: Analysis>(_ a: A.Type, _ param: String) -> ParameterSpec {
        guard let s = A.parameters.first(where: { $0.name == param }) else {
            preconditionFailure("\(A.name) reads '\(param)', which it does not declare in `parameters`")
        }
        return s
    }
}

extension AnalysisCatalogue {
    /// Every key `--set` accepts, with the shared bare keys.
    public static var parameterKeys: [String] {
        all.flatMap { a in a.parameters.flatMap { $0.keys(of: a.name) } } + AnalysisOptions.sharedKeys.sorted()
    }

    /// Checks every given key and value, whichever analyses run: an unknown key is refused with the
    /// nearest known one, and every analysis reads (and so validates) its values, cross-checks included.
    public static func validate(_ options: AnalysisOptions) throws {
        let known = Set(parameterKeys)
        for key in options.values.keys.sorted() where !known.contains(key) {
            throw UnknownParameter(key: key, suggestion: nearest(key, in: parameterKeys))
        }
        for a in all { _ = try a.init(options: options) }
    }

    /// The known key closest to a misspelt one (case-insensitive edit distance), if within a third of its length.
    static func nearest(_ key: String, in known: [String]) -> String? {
        let k = Array(key.lowercased())
        var best: (String, Int)?
        for c in known {
            let d = editDistance(k, Array(c.lowercased()))
            if best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
        }
        guard let (name, d) = best, d <= max(2, k.count / 3) else { return nil }
        return name
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}

extension AnalysisCatalogue {
    /// The Markdown table of an analysis's parameters, as its methodology page shows it.
    public static func parameterTable(of a: any Analysis.Type) -> String {
        var lines = ["| parameter | default | valid values | meaning |", "|---|---|---|---|"]
        for p in a.parameters {
            let name = p.suffixes.isEmpty ? p.name : "\(p.name)[.<trace>]"
            let cell = { (s: String) in s.replacingOccurrences(of: "|", with: "\\|") }
            lines.append("| `\(a.name).\(name)` | \(p.defaultValue) | \(cell(p.expected)) | \(cell(p.help)) |")
        }
        return lines.joined(separator: "\n")
    }
}
