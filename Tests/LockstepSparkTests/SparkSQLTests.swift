import Foundation
import Testing
@testable import LockstepAnalysis
import LockstepCore
@testable import LockstepSpark

/// The SQL follows from the trace table, without Spark: these run everywhere.
@Suite struct SparkSQLTests {
    static let input = SparkInput(path: "/data/it's here/tweets.csv.gz", format: "io-tweets",
                                  columns: ["tweetid", "userid", "tweet_time", "is_retweet", "retweet_tweetid", "hashtags", "user_mentions"])

    static func sql(_ traces: [TraceDefinition], window: Int64 = 60, maxPartners: Int = 32, minWeight: Int = 3) -> SparkSQL {
        var settings: [String: SweepSettings] = [:]
        for t in traces { settings[t.name] = SweepSettings(window: window, maxPartners: maxPartners, minWeight: minWeight) }
        return SparkSQL(inputs: [input], settings: settings, output: "file:/work/tables", earliest: 0, latest: 2_000_000_000)
    }

    @Test func everyWindowedTraceWithAnSQLKeyGetsOneCachedQueryAndOneOutput() {
        let s = Self.sql(CoActionTrace.all)
        let script = s.script
        // Item keys that need Lockstep's own normalisation (text, MinHash, canonical URL) and the
        // whole-period profile have no SQL form yet: those traces stay on the embedded engine.
        #expect(s.sparkTraces.map(\.name) == ["co_retweet", "co_hashtag", "hashtag_sequence", "co_reply", "co_mention", "fast_retweet"])
        for t in s.sparkTraces {
            #expect(script.components(separatedBy: "CACHE TABLE pairs_\(t.name) AS").count == 2)
            #expect(script.contains("INSERT OVERWRITE DIRECTORY 'file:/work/tables/pairs/\(t.name)'"))
            #expect(script.contains("INSERT OVERWRITE DIRECTORY 'file:/work/tables/stats/\(t.name)'"))
        }
        for name in ["co_tweet", "near_duplicate", "co_url", "whole_period"] { #expect(!script.contains("pairs_\(name) ")) }
    }

    @Test func aTraceAddedToTheTableRunsWithoutNewSQL() {
        // A hypothetical row: co-hashtag restricted to replies, with its own name.
        let t = TraceDefinition(name: "reply_hashtag", reason: "reply_hashtag_cluster", key: .hashtag, kinds: [.reply],
                                pairing: .anyActors, null: .accountTimes, defaultWindow: nil, fusionWeight: 1, summary: "test row")
        let s = Self.sql([t])
        #expect(SparkSQL.actions(t)?.contains("kind IN ('reply')") == true)
        #expect(s.pairsQuery(t).contains("explode(array_distinct(tags))"))
    }

    @Test func settingsReachTheQuery() {
        let t = CoActionTrace.named("co_retweet")!
        let q = Self.sql([t], window: 45, maxPartners: 7, minWeight: 4).pairsQuery(t)
        // The partner cap is a bounded frame, not a self-join of each item.
        #expect(q.contains("ROWS BETWEEN 1 FOLLOWING AND 7 FOLLOWING"))
        #expect(q.contains("z.ty - tx <= 45"))
        #expect(q.contains("account_actions >= 4"))
        #expect(!q.contains("JOIN"))
        let o = CoActionTrace.named("fast_retweet")!
        let fq = Self.sql([o], window: 10).pairsQuery(o)
        #expect(fq.contains("abs(k.t - o.t_o) <= 10"))
        #expect(fq.contains("JOIN origins o ON k.item = o.item"))
    }

    @Test func pathsAndMissingColumnsAreQuotedAndDefaulted() {
        let script = Self.sql([CoActionTrace.named("co_reply")!]).script
        #expect(script.contains(#"path '/data/it\'s here/tweets.csv.gz'"#))
        // The input has no in_reply_to_tweetid column: it reads as empty, as the embedded reader's.
        #expect(!script.contains("`in_reply_to_tweetid`"))
        #expect(SparkSQL.literal(#"a\b'c"#) == #"'a\\b\'c'"#)
    }

    @Test func pairFiguresAreOrientedSortedAndFiltered() {
        let figures = [
            PairFigures(a: 5, b: 2, weight: 4, aLeads: 3, bLeads: 1, ties: 0, lagSum: 40, first: 100, last: 900),
            PairFigures(a: 1, b: 3, weight: 3, aLeads: 0, bLeads: 2, ties: 1, lagSum: 20, first: 50, last: 60),
            PairFigures(a: 4, b: 6, weight: 2, aLeads: 1, bLeads: 1, ties: 0, lagSum: 9, first: 1, last: 2),
        ]
        let p = CoActionPairs(figures: figures, pairCount: 11, minWeight: 3)
        #expect(p.pairCount == 11)
        #expect(p.keys == [PairTable.key(1, 3), PairTable.key(2, 5)])
        // (5, 2): 5 led three times, so the high id of the pair (5) leads three times.
        #expect(p.lowLeads == [0, 1])
        #expect(p.highLeads == [2, 3])
        #expect(p.ties == [1, 0])
        #expect(p.lagSum == [20, 40])
        #expect(p.first == [50, 100] && p.last == [60, 900])
    }

    @Test func aPairSourceIsUsedOnlyWithTheSettingsItWasComputedWith() {
        let s = SweepSettings(window: 60, maxPartners: 32, minWeight: 3)
        let src = SparkPairs(traces: ["co_retweet": (s, CoActionPairs(figures: [], pairCount: 0, minWeight: 3))])
        #expect(src.pairs(trace: "co_retweet", settings: s) != nil)
        #expect(src.pairs(trace: "co_retweet", settings: SweepSettings(window: 30, maxPartners: 32, minWeight: 3)) == nil)
        #expect(src.pairs(trace: "co_hashtag", settings: s) == nil)
    }

    @Test func aPostsFileInAnotherFormatIsRefusedWithAFix() throws {
        var acc = IngestAccounting()
        acc.files = [IngestAccounting.FileCount(file: "x.csv", format: "ira-538", bytes: 1, rowsRead: 1, rowsUsed: 1, rejected: [:], profileProblems: [:])]
        #expect(throws: SparkError.self) { try SparkInput.from(acc) }
    }
}
