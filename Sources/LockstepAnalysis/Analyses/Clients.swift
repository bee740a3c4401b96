import LockstepCore

/// Which software the posts came from: overall, by category, and per account with its switches.
///
/// Categories come from the one maintained table in `ClientCategories.swift`; see
/// `docs/methodology/clients.md`.
public struct Clients: Analysis {
    public static let name = "clients"
    public static let summary = "Posting clients overall and per account: category, dominant client, switches over time"
    public static let parameters = [ParameterSpec("top", .atLeast(1), default: "20", "How many clients to list")]

    let top: Int

    public init(options: AnalysisOptions) throws {
        top = try options.int(Self.self, "top")
    }

    /// One client with its category and use.
    public struct ClientCount: Codable, Sendable, Equatable {
        /// The client name as the data gives it.
        public var client: String
        /// Its ``ClientCategory`` raw value.
        public var category: String
        /// Posts sent with it.
        public var posts: Int
        /// Share of posts with a known client.
        public var share: Double
        /// Accounts for which it is the dominant client.
        public var dominantFor: Int
    }

    /// A change of dominant client between the first and second half of accounts' posts.
    public struct Transition: Codable, Sendable, Equatable {
        /// Dominant client in the first half of the posts.
        public var from: String
        /// Dominant client in the second half.
        public var to: String
        /// Accounts with this change.
        public var accounts: Int
    }

    /// The `clients` section of `summary.json`.
    public struct Result: AnalysisResult, Codable, Equatable {
        /// False when the input has no client field (IRA data, users files).
        public var available: Bool
        /// Posts whose client is known.
        public var postsWithClient: Int
        /// Different clients used.
        public var distinctClients: Int
        /// The most used clients.
        public var top: [ClientCount]
        /// Share of posts with a client, per category.
        public var postsByCategory: [String: Double]
        /// Accounts by the category of their dominant client.
        public var accountsByCategory: [String: Int]
        /// Accounts by how many distinct clients they used (`1`, `2`, `3+`).
        public var accountsByClientCount: [String: Int]
        /// Accounts whose dominant client in the second half of their posts differs from the first half.
        public var accountsChangingClient: Int
        /// The most common first-half → second-half changes.
        public var topTransitions: [Transition]

        var dominant: [Int32] = []
        var dominantShare: [Float] = []
        var switches: [Int32] = []
        var categories: [ClientCategory] = []
        var clientNames: [String] = []

        enum CodingKeys: String, CodingKey {
            case available, postsWithClient, distinctClients, top, postsByCategory, accountsByCategory,
                 accountsByClientCount, accountsChangingClient, topTransitions
        }

        /// The dominant client of an account and its category, if it posted with a known client.
        public func dominantClient(of account: Int32) -> (name: String, category: ClientCategory)? {
            let c = dominant[Int(account)]
            return c == noID ? nil : (clientNames[Int(c)], categories[Int(c)])
        }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            guard available else { return [] }
            let n = dominant.count
            var name = [String](repeating: "", count: n), cat = name, share = name, sw = name
            for i in 0..<n where dominant[i] != noID {
                let c = Int(dominant[i])
                name[i] = clientNames[c]
                cat[i] = categories[c].rawValue
                share[i] = NumberText.decimal(Double(dominantShare[i]), places: 3)
                sw[i] = String(switches[i])
            }
            return [AccountColumn(name: "dominant_client", values: name), AccountColumn(name: "client_category", values: cat),
                    AccountColumn(name: "dominant_client_share", values: share), AccountColumn(name: "client_switches", values: sw)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            var out: [Int32: [String]] = [:]
            let code = ["client_automation"]
            for (i, c) in dominant.enumerated() where c != noID && categories[Int(c)] == .automation { out[Int32(i)] = code }
            return out
        }
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let names = ds.clients.strings
        let categories = names.map(ClientCategories.category(of:))
        let nClients = names.count
        let nAccounts = ds.accounts.count
        var dominant = [Int32](repeating: noID, count: nAccounts)
        var dominantShare = [Float](repeating: 0, count: nAccounts)
        var switches = [Int32](repeating: 0, count: nAccounts)
        var postCounts = [Int](repeating: 0, count: nClients)
        var dominantFor = [Int](repeating: 0, count: nClients)
        var categoryCounts = [Int](repeating: 0, count: ClientCategory.allCases.count)
        var clientCountCounts = [0, 0, 0]  // 1, 2, 3+ clients
        var transitions: [Int: Int] = [:]  // from * nClients + to
        var changing = 0
        // Per-account counts in flat arrays, reset through the touched list.
        var counts = [Int32](repeating: 0, count: nClients)
        var half = [Int32](repeating: 0, count: nClients)
        var touched: [Int32] = []
        let client = ds.posts.client
        let order = ds.postsByAccount

        func argmax(_ c: [Int32], _ ids: [Int32]) -> Int32 {
            var best = noID
            for id in ids where best == noID || c[Int(id)] > c[Int(best)] || (c[Int(id)] == c[Int(best)] && id < best) { best = id }
            return best
        }

        for a in ds.accountsInData {
            let range = ds.postRange(of: a)
            if range.isEmpty { continue }
            touched.removeAll(keepingCapacity: true)
            var n = 0
            var last = noID
            var sw: Int32 = 0
            // Posts in time order; `half` counts the first half of those with a client.
            var seen = 0
            for i in range {
                let c = client[Int(order[i])]
                if c == noID { continue }
                seen += 1
            }
            if seen == 0 { continue }
            let mid = seen / 2
            for i in range {
                let c = client[Int(order[i])]
                if c == noID { continue }
                if counts[Int(c)] == 0 && half[Int(c)] == 0 { touched.append(c) }
                if n < mid { half[Int(c)] += 1 }
                counts[Int(c)] += 1
                n += 1
                if last != noID && c != last { sw += 1 }
                last = c
            }
            let dom = argmax(counts, touched)
            dominant[Int(a)] = dom
            dominantShare[Int(a)] = Float(Double(counts[Int(dom)]) / Double(n))
            switches[Int(a)] = sw
            dominantFor[Int(dom)] += 1
            categoryCounts[ClientCategory.allCases.firstIndex(of: categories[Int(dom)])!] += 1
            clientCountCounts[min(touched.count, 3) - 1] += 1
            if mid >= 1 {
                let first = argmax(half, touched)
                for id in touched { counts[Int(id)] -= half[Int(id)] }
                let second = argmax(counts, touched)
                if first != second {
                    changing += 1
                    transitions[Int(first) * nClients + Int(second), default: 0] += 1
                }
            }
            for id in touched { counts[Int(id)] = 0; half[Int(id)] = 0 }
        }
        var accountsByCategory: [String: Int] = [:]
        for (k, c) in ClientCategory.allCases.enumerated() where categoryCounts[k] > 0 { accountsByCategory[c.rawValue] = categoryCounts[k] }
        var byClientCount: [String: Int] = [:]
        for (k, label) in ["1", "2", "3+"].enumerated() where clientCountCounts[k] > 0 { byClientCount[label] = clientCountCounts[k] }
        // Overall post counts in one pass over the column (includes accounts outside the per-account loop).
        for c in client where c != noID { postCounts[Int(c)] += 1 }
        let total = postCounts.reduce(0, +)
        var byCategory: [String: Double] = [:]
        for (i, c) in postCounts.enumerated() where c > 0 {
            byCategory[categories[i].rawValue, default: 0] += Double(c) / Double(total)
        }
        for k in byCategory.keys { byCategory[k] = (byCategory[k]! * 1000).rounded() / 1000 }
        let ranked = (0..<nClients).filter { postCounts[$0] > 0 }
            .sorted { postCounts[$0] != postCounts[$1] ? postCounts[$0] > postCounts[$1] : names[$0] < names[$1] }
        let topList = ranked.prefix(top).map {
            ClientCount(client: names[$0], category: categories[$0].rawValue, posts: postCounts[$0],
                        share: (Double(postCounts[$0]) / Double(total) * 1000).rounded() / 1000, dominantFor: dominantFor[$0])
        }
        let topTransitions = transitions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(top).map { Transition(from: names[$0.key / nClients], to: names[$0.key % nClients], accounts: $0.value) }
        return Result(available: total > 0, postsWithClient: total, distinctClients: ranked.count, top: Array(topList),
                      postsByCategory: byCategory, accountsByCategory: accountsByCategory, accountsByClientCount: byClientCount,
                      accountsChangingClient: changing, topTransitions: Array(topTransitions),
                      dominant: dominant, dominantShare: dominantShare, switches: switches, categories: categories, clientNames: names)
    }
}
