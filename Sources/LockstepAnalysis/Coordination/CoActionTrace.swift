import LockstepCore

/// What makes two actions "the same item" for a trace: the key the window sweep groups actions by.
///
/// Each case is a pure function of one post (and, for `fastRetweet`, of the original's time), so a
/// trace can be compiled to a `GROUP BY` in SQL as well as run here.
package enum ItemKeyKind: String, Sendable, Codable, CaseIterable {
    /// The post a retweet retweets (its post id).
    case retweetedPost = "retweeted_post"
    /// The post text after ``TextNormalization``.
    case normalizedText = "normalized_text"
    /// A near-duplicate group: posts joined by MinHash/LSH with an estimated Jaccard above a threshold.
    case nearDuplicateGroup = "near_duplicate_group"
    /// A URL after ``URLCanonical`` (one action per URL of the post).
    case canonicalURL = "canonical_url"
    /// One hashtag (one action per hashtag of the post).
    case hashtag
    /// The whole ordered list of a post's hashtags, when it has at least two.
    case hashtagSequence = "hashtag_sequence"
    /// The post a reply replies to.
    case repliedToPost = "replied_to_post"
    /// A mentioned account (one action per mention; a reply's automatic mention of its parent's author is skipped).
    case mentionedAccount = "mentioned_account"
    /// The retweeted post, with the original itself as its author's action, pairing only author and retweeter.
    case fastRetweet = "fast_retweet"
    /// Any item of an account's whole-period profile (``PeriodProfile``: hashtags, URLs, retweeted
    /// posts and accounts, mentions), scored by ``PeriodSimilarity`` rather than a window sweep.
    case periodProfile = "period_profile"
}

/// Which pairs of actions on one item count as co-actions.
package enum TracePairing: String, Sendable, Codable {
    /// Any two accounts acting on the item within the window.
    case anyActors = "any_actors"
    /// Only the item's origin (the original post's author) with each later actor within the window.
    case withOrigin = "with_origin"
}

/// What the null model keeps of each account's behaviour while it breaks the pair's alignment.
package enum NullModel: String, Sendable, Codable {
    /// Each account's action times are permuted among its own actions: it keeps its rhythm and
    /// bursts, loses which item gets which moment. For items that have no moment of their own
    /// (a text, a hashtag, a link), whose first action is itself part of the co-action.
    case accountTimes = "account_times"
    /// Each account's delays since the item's origin (the original post, or the item's first action
    /// when the original is not in the data) are permuted among its own actions: it keeps how fast it
    /// reacts, each item keeps its moment, so a popular post still draws its early rush in the null.
    case accountDelays = "account_delays"
    /// Whole-period profiles: the expected shared items of two accounts given their numbers of items
    /// and the items' popularity (``PeriodSimilarity``), in closed form; time plays no part.
    case itemPopularity = "item_popularity"
}

/// A co-action trace as data: what the item is, which posts act on it, the default window and
/// how it enters the fused network. Adding a trace means adding a row to ``CoActionTrace/all``.
package struct TraceDefinition: Sendable, Codable, Equatable {
    /// Stable name: the `traces` option value, the `trace` column of `edges.csv`.
    package var name: String
    /// Stable `accounts.csv` reason code for clustered accounts with edges of this trace.
    package var reason: String
    /// What counts as the same item.
    package var key: ItemKeyKind
    /// Post kinds whose posts are actions of this trace.
    package var kinds: [PostKind]
    /// Which actions on an item pair up.
    package var pairing: TracePairing
    /// What the significance test shuffles.
    package var null: NullModel
    /// Window in seconds when neither `window` nor `window.<trace>` is set; `nil` means the global default.
    package var defaultWindow: Int64?
    /// How much one co-action item of this trace weighs in the fused network.
    package var fusionWeight: Double
    /// One line for docs and `summary.json`.
    package var summary: String

    /// Whether posts of this kind are actions of the trace.
    @inlinable package func counts(_ kind: PostKind) -> Bool { kinds.contains(kind) }
}

/// The table of traces Lockstep knows, in output order.
package enum CoActionTrace {
    static let authored: [PostKind] = [.original, .reply, .quote]

    /// Every trace; the `traces` option selects among them by name.
    package static let all: [TraceDefinition] = [
        TraceDefinition(name: "co_retweet", reason: "coretweet_cluster", key: .retweetedPost, kinds: [.retweet],
                        pairing: .anyActors, null: .accountDelays, defaultWindow: nil, fusionWeight: 1,
                        summary: "Accounts retweeting the same post within the window"),
        TraceDefinition(name: "co_tweet", reason: "cotweet_cluster", key: .normalizedText, kinds: authored,
                        pairing: .anyActors, null: .accountTimes, defaultWindow: nil, fusionWeight: 1,
                        summary: "Accounts posting the same normalised text within the window"),
        TraceDefinition(name: "near_duplicate", reason: "near_duplicate_cluster", key: .nearDuplicateGroup, kinds: authored,
                        pairing: .anyActors, null: .accountTimes, defaultWindow: nil, fusionWeight: 1,
                        summary: "Accounts posting near-identical text (MinHash/LSH, Jaccard above a threshold) within the window"),
        TraceDefinition(name: "co_url", reason: "co_url_cluster", key: .canonicalURL, kinds: authored,
                        pairing: .anyActors, null: .accountTimes, defaultWindow: nil, fusionWeight: 1,
                        summary: "Accounts sharing the same canonical URL within the window"),
        TraceDefinition(name: "co_hashtag", reason: "co_hashtag_cluster", key: .hashtag, kinds: authored,
                        pairing: .anyActors, null: .accountTimes, defaultWindow: nil, fusionWeight: 0.5,
                        summary: "Accounts using the same hashtag within the window"),
        TraceDefinition(name: "hashtag_sequence", reason: "hashtag_sequence_cluster", key: .hashtagSequence, kinds: authored,
                        pairing: .anyActors, null: .accountTimes, defaultWindow: nil, fusionWeight: 1,
                        summary: "Accounts posting the same ordered list of two or more hashtags within the window"),
        TraceDefinition(name: "co_reply", reason: "co_reply_cluster", key: .repliedToPost, kinds: [.reply],
                        pairing: .anyActors, null: .accountDelays, defaultWindow: nil, fusionWeight: 1,
                        summary: "Accounts replying to the same post within the window"),
        TraceDefinition(name: "co_mention", reason: "co_mention_cluster", key: .mentionedAccount, kinds: authored,
                        pairing: .anyActors, null: .accountTimes, defaultWindow: nil, fusionWeight: 0.5,
                        summary: "Accounts mentioning the same account within the window"),
        TraceDefinition(name: "fast_retweet", reason: "fast_retweet_cluster", key: .fastRetweet, kinds: [.retweet],
                        pairing: .withOrigin, null: .accountTimes, defaultWindow: 10, fusionWeight: 1,
                        summary: "An account retweeting another's post within seconds of its publication"),
        // Fusion weight 3: a whole-period edge counts its cosine times this (see `Edge.fusedWeight`),
        // so identical profiles weigh like a windowed edge at the default min_weight.
        TraceDefinition(name: PeriodSimilarity.traceName, reason: "whole_period_cluster", key: .periodProfile,
                        kinds: [.original, .reply, .quote, .retweet], pairing: .anyActors, null: .itemPopularity,
                        defaultWindow: nil, fusionWeight: 3,
                        summary: "Accounts whose hashtags, URLs, retweeted posts and accounts and mentions over the whole period are alike (TF-IDF cosine), beyond what their activity and the items' popularity explain"),
    ]

    /// The trace with this name.
    package static func named(_ name: String) -> TraceDefinition? { all.first { $0.name == name } }

    /// Each trace's weight in the fused network, by name.
    package static let fusionWeights = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.fusionWeight) })
    /// Every trace name, in table order.
    package static var names: [String] { all.map(\.name) }
    /// Names of the traces swept with a time window (every trace but the whole-period one).
    package static var windowedNames: [String] { all.filter { $0.key != .periodProfile }.map(\.name) }
}
