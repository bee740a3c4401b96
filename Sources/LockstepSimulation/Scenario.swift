import LockstepCore

/// Every knob of a simulated data set; counts are at `scale` 1 and multiplied by it.
///
/// Defaults reproduce the PRC 2019-2020 pattern (see docs/methodology/simulator.md); a preset
/// switches populations on and off. All values are written to `scenario.json`.
public struct Scenario: Codable, Sendable, Equatable {
    /// Preset name (`troll-factory`, `botnet`, `organic-only`, `hard`, `stealthy`, `two-offices`).
    public var name: String
    /// Seed of every random draw.
    public var seed: UInt64
    /// Multiplies every population count (with small floors so a tiny scale still plants each population).
    public var scale: Double
    /// First day of the collection window (`YYYY-MM-DD`, UTC).
    public var windowStart = "2019-08-01"
    /// Last day of the collection window, inclusive.
    public var windowEnd = "2020-05-31"
    /// Ordinary users.
    public var organic = OrganicParameters()
    /// State-media and diplomat accounts.
    public var watchlist = WatchlistParameters()
    /// The operation's calendar and narrative.
    public var operation = OperationParameters()
    /// The troll factory.
    public var core = CoreParameters()
    /// Retweeting amplifier accounts.
    public var amplifiers = AmplifierParameters()
    /// Aged accounts taken over by the operation.
    public var hijacked = HijackedParameters()
    /// Automated accounts.
    public var bots = BotParameters()
    /// Collected follower lists and surges.
    public var followers = FollowerParameters()
    /// Benign coordinated populations; nil, and absent from scenario.json, in scenarios without them.
    public var benign: BenignParameters?
    /// Stealthier tradecraft of the first operation's factory; nil, and absent from scenario.json, for the clumsy one.
    public var stealth: StealthParameters?
    /// Further offices, each its own operation with its own accounts; nil, and absent from scenario.json, for one operation.
    public var offices: [OfficeParameters]?

    /// A scenario with every default; presets start from here.
    public init(name: String, seed: UInt64, scale: Double = 1) {
        self.name = name
        self.seed = seed
        self.scale = scale
    }

    /// The preset names `simulate --scenario` accepts.
    public static let presetNames = ["troll-factory", "botnet", "organic-only", "hard", "stealthy", "two-offices"]

    /// A preset scenario, or nil for an unknown name.
    public static func preset(_ name: String, seed: UInt64, scale: Double = 1) -> Scenario? {
        var s = Scenario(name: name, seed: seed, scale: scale)
        switch name {
        case "troll-factory":
            s.bots.accounts = 0
        case "hard":
            s.bots.accounts = 0
            s.benign = BenignParameters()
        // Both harder operations live among the benign populations, so that coordination alone tells nothing.
        case "stealthy":
            s.bots.accounts = 0
            s.benign = BenignParameters()
            s.stealth = StealthParameters()
        case "two-offices":
            s.bots.accounts = 0
            s.benign = BenignParameters()
            s.offices = [OfficeParameters()]
        case "botnet":
            s.core.accounts = 0
            s.amplifiers.accounts = 0
            s.hijacked.accounts = 0
            s.followers.surges = 1
        case "organic-only":
            s.core.accounts = 0
            s.amplifiers.accounts = 0
            s.hijacked.accounts = 0
            s.bots.accounts = 0
            s.followers.surges = 0
        default:
            return nil
        }
        return s
    }

    /// Adds benign coordinated populations by name (``BenignParameters/names``; `all` for every one)
    /// to this scenario; the others keep zero accounts. Nil when a name is unknown.
    public func addingBenign(_ names: [String]) -> Scenario? {
        let wanted = names.contains("all") ? BenignParameters.names : names
        guard !wanted.isEmpty, wanted.allSatisfy(BenignParameters.names.contains) else { return nil }
        var s = self
        var b = s.benign ?? BenignParameters()
        if s.benign == nil {
            b.fans.accounts = 0; b.activists.accounts = 0; b.news.outlets = 0; b.liveEvent.accounts = 0
        }
        let defaults = BenignParameters()
        if wanted.contains("fans") { b.fans.accounts = defaults.fans.accounts }
        if wanted.contains("activists") { b.activists.accounts = defaults.activists.accounts }
        if wanted.contains("news") { b.news.outlets = defaults.news.outlets }
        if wanted.contains("live-event") { b.liveEvent.accounts = defaults.liveEvent.accounts }
        s.benign = b
        return s
    }

    /// `count` at this scale: rounded, at least `floor` unless the count is zero.
    func scaled(_ count: Int, floor: Int = 1) -> Int {
        count <= 0 ? 0 : max(floor, Int((Double(count) * scale).rounded()))
    }

    var windowStartDay: Int { Scenario.day(windowStart) }
    var windowEndDay: Int { Scenario.day(windowEnd) }

    static func day(_ iso: String) -> Int {
        CivilTime.dayNumber(CivilTime.parseISO(iso) ?? 0)
    }
}

/// Ordinary users of a hashtag collection.
public struct OrganicParameters: Codable, Sendable, Equatable {
    /// Organic accounts at scale 1.
    public var accounts = 8_000
    /// Median own posts (originals and quotes) per account over the window; lognormal.
    public var postsMedian = 5.0
    /// Lognormal sigma of own posts per account (heavy tail).
    public var postsSigma = 1.4
    /// Cap on own posts per account.
    public var postsMax = 4_000
    /// Retweets, replies and quotes that organic users make, per organic original (cascades).
    public var reactionsPerOriginal = 1.1
    /// Shares of reactions that are retweets, replies and quotes.
    public var retweetShare = 0.78
    /// Share of reactions that are replies.
    public var replyShare = 0.17
    /// Share of reactions that are quotes.
    public var quoteShare = 0.05
    /// Median delay of a reaction after the post, minutes; lognormal.
    public var reactionDelayMedianMinutes = 25.0
    /// Lognormal sigma of the reaction delay.
    public var reactionDelaySigma = 1.8
    /// Reaction weight of a core or bot post relative to an organic post with the same followers.
    public var engagementWithOperation = 0.05
    /// Median followers; lognormal with the sigma below.
    public var followersMedian = 120.0
    /// Lognormal sigma of followers.
    public var followersSigma = 1.9
    /// Share of organic accounts with zero followers.
    public var zeroFollowerShare = 0.08
    /// Share of organic accounts that post from a web client instead of a phone.
    public var webClientShare = 0.08
    /// Share of organic originals that carry one of the operation's hashtags.
    public var operationHashtagShare = 0.02
    /// Share of organic news posts that carry a news link.
    public var newsLinkShare = 0.6
    /// Posting is this much more likely on a Saturday or Sunday than on a weekday.
    public var weekendFactor = 1.25
    /// Standard deviation (hours) of each user's personal shift of the daily rhythm.
    public var chronotypeSigmaHours = 1.2
}

/// State-media and diplomat accounts: organic-looking, many followers, watched by analysts.
public struct WatchlistParameters: Codable, Sendable, Equatable {
    /// State-media accounts (not scaled).
    public var stateMedia = 5
    /// Diplomat accounts (not scaled).
    public var diplomats = 8
    /// Mean posts per day of a state-media account (times the scale when the scale is below 1).
    public var stateMediaPostsPerDay = 3.0
    /// Mean posts per day of a diplomat.
    public var diplomatPostsPerDay = 0.8
}

/// The operation's working calendar and narrative, shared by core and hijacked accounts.
public struct OperationParameters: Codable, Sendable, Equatable {
    /// Short id of the operation in truth.csv and scenario.json; nil (absent) means `prc`.
    public var id: String?
    /// The office's UTC offset, hours.
    public var utcOffsetHours = 8.0
    /// Office hours, local, as hours after midnight.
    public var workStartHour = 9.0
    /// End of office hours, local.
    public var workEndHour = 18.0
    /// Start of the lunch break, local.
    public var lunchStartHour = 12.0
    /// End of the lunch break, local.
    public var lunchEndHour = 13.5
    /// National holidays: no operation posts on these local days.
    public var holidays: [DateRange] = [
        DateRange(start: "2019-10-01", end: "2019-10-07", name: "National Day"),
        DateRange(start: "2020-01-24", end: "2020-02-02", name: "Spring Festival"),
        DateRange(start: "2020-04-04", end: "2020-04-06", name: "Qingming"),
        DateRange(start: "2020-05-01", end: "2020-05-05", name: "Labour Day"),
    ]
    /// Weekend days that are working days (China's make-up days around holidays).
    public var makeupWorkdays = ["2019-09-29", "2019-10-12", "2020-01-19", "2020-04-26", "2020-05-09"]
    /// First day of the campaign (local); core accounts post only from then on.
    public var campaignStart = "2019-08-12"
    /// The day the narrative changes.
    public var pivotDate = "2020-01-13"
    /// Hashtags of the narrative before the pivot.
    public var hashtagsBefore = ["HongKong", "StopViolence", "SupportHKPolice", "HKRiots"]
    /// Hashtags of the narrative from the pivot on.
    public var hashtagsAfter = ["COVID19", "WuhanStrong", "VirusOrigin", "FightTogether"]
}

/// A closed range of calendar days.
public struct DateRange: Codable, Sendable, Equatable {
    /// First day, `YYYY-MM-DD`.
    public var start: String
    /// Last day, inclusive.
    public var end: String
    /// What the days are (a holiday's name).
    public var name: String

    /// A named range of days.
    public init(start: String, end: String, name: String) {
        self.start = start
        self.end = end
        self.name = name
    }

    func contains(day d: Int) -> Bool { d >= Scenario.day(start) && d <= Scenario.day(end) }
}

/// The troll factory: accounts staffed by office workers.
public struct CoreParameters: Codable, Sendable, Equatable {
    /// Core accounts at scale 1.
    public var accounts = 100
    /// Accounts one worker runs.
    public var accountsPerWorker = 5
    /// Creation batches; accounts of a batch are created within a few days.
    public var creationBatches = 5
    /// Days within which one batch is created.
    public var batchSpreadDays = 3.0
    /// Share of core accounts with zero followers; the rest have a few.
    public var zeroFollowerShare = 0.7
    /// Probability that the gap to a worker's next post is short (a burst).
    public var burstProbability = 0.35
    /// Median short gap, minutes; lognormal sigma 0.8.
    public var burstGapMedianMinutes = 2.0
    /// Median long gap, minutes; lognormal sigma 0.9.
    public var idleGapMedianMinutes = 45.0
    /// Probability that a worker is absent on a working day.
    public var absenceProbability = 0.04
    /// Kinds of a worker's posts: retweet, reply, quote; the rest are originals.
    public var retweetShare = 0.30
    /// Share of a worker's posts that are replies.
    public var replyShare = 0.12
    /// Share of a worker's posts that are quotes.
    public var quoteShare = 0.04
    /// Of retweets and replies: share aimed at watchlist (state media, diplomats) rather than core posts.
    public var watchlistTargetShare = 0.65
    /// Share of originals linking to a state-media site.
    public var stateMediaLinkShare = 0.3
    /// Copy-paste scripts released per working day; each is posted by several accounts.
    public var scriptsPerDay = 3.0
    /// Mean accounts that post one script (geometric, at least 2).
    public var accountsPerScript = 5.0
    /// Mean minutes between script copies (exponential).
    public var scriptCopyGapMinutes = 3.0
    /// Share of script copies with a small edit (an added emoji or word).
    public var scriptVariantShare = 0.3
    /// Share of core accounts tweeting mostly in English rather than Chinese.
    public var englishShare = 0.3
}

/// Accounts that retweet core posts.
public struct AmplifierParameters: Codable, Sendable, Equatable {
    /// Amplifier accounts at scale 1.
    public var accounts = 300
    /// Creation bursts; accounts of a burst are created within hours.
    public var creationBursts = 3
    /// Probability that a core original is amplified.
    public var amplifyProbability = 0.3
    /// Mean amplifiers retweeting one amplified post (geometric).
    public var meanBurstSize = 4.0
    /// Median minutes from the core post to the first amplifier retweet; lognormal sigma 0.7.
    public var firstDelayMedianMinutes = 15.0
    /// Mean minutes between successive amplifier retweets (exponential).
    public var gapMinutes = 2.0
    /// Share of amplifier posts that are originals (copies of core script text).
    public var originalShare = 0.08
}

/// Aged accounts taken over by the operation.
public struct HijackedParameters: Codable, Sendable, Equatable {
    /// Hijacked accounts at scale 1.
    public var accounts = 20
    /// Mean genuine posts per week before the silence.
    public var genuinePostsPerWeek = 3.0
    /// Years of genuine posting (uniform between the bounds).
    public var genuineYearsMin = 1.0
    /// Upper bound of the years of genuine posting.
    public var genuineYearsMax = 4.0
    /// Probability that the first campaign post is a "test"/"测试".
    public var testPostProbability = 0.3
    /// Days after the campaign start within which takeovers happen (uniform).
    public var takeoverSpreadDays = 120.0
}

/// Automated accounts.
public struct BotParameters: Codable, Sendable, Equatable {
    /// Bot accounts at scale 1.
    public var accounts = 150
    /// Bots per group; a group shares one feed and one automation client.
    public var groupSize = 10
    /// Posting period bounds, minutes (each bot draws one uniformly).
    public var periodMinMinutes = 60.0
    /// Upper bound of the posting period, minutes.
    public var periodMaxMinutes = 300.0
    /// Standard deviation of the jitter around the period, seconds.
    public var jitterSeconds = 45.0
    /// Days a bot is active (uniform between bounds).
    public var activeDaysMin = 30.0
    /// Upper bound of the active days.
    public var activeDaysMax = 120.0
    /// Probability that a bot post is retweeted by another bot of its group.
    public var groupRetweetProbability = 0.15
}

/// Follower lists of watched accounts, and planted follower surges.
public struct FollowerParameters: Codable, Sendable, Equatable {
    /// Diplomat accounts whose follower lists are collected (not scaled).
    public var listTargets = 4
    /// Organic followers in each list at scale 1.
    public var followersPerTarget = 1_500
    /// Planted surges (each on a different list target).
    public var surges = 2
    /// Surge accounts per surge at scale 1.
    public var surgeSize = 400
    /// Days over which a surge's follows happen (uniform between bounds).
    public var surgeDaysMin = 2
    /// Upper bound of a surge's length, days.
    public var surgeDaysMax = 5
    /// Days before the surge start from which surge accounts are created.
    public var creationLeadDays = 6
    /// Share of surge accounts that also retweet the target a few times.
    public var postingShare = 0.2
}

/// Authentic coordination: populations that act in step for real reasons. In truth.csv they are
/// negatives (`benign_*`), like organic users; each also lives an ordinary online life.
public struct BenignParameters: Codable, Sendable, Equatable {
    /// Names that `simulate --benign` accepts.
    public static let names = ["fans", "activists", "news", "live-event"]
    /// A fan base streaming its idols' posts and voting with a template.
    public var fans = FanParameters()
    /// An activist campaign in Hong Kong and Taipei with its diaspora.
    public var activists = ActivistParameters()
    /// Local news sites syndicating wire stories through scheduling tools.
    public var news = SyndicatedNewsParameters()
    /// A crowd following one live event on its hashtag.
    public var liveEvent = LiveEventParameters()

    /// Every benign population with its defaults.
    public init() {}
}

/// A fan base (`benign_fans`): idol accounts and their fans.
public struct FanParameters: Codable, Sendable, Equatable {
    /// Fan accounts at scale 1 (0: no fan base).
    public var accounts = 400
    /// Idol accounts the fans follow (not scaled; `benign_fans` in truth.csv).
    public var idols = 3
    /// Mean posts per week of one idol account.
    public var idolPostsPerWeek = 3.0
    /// Probability that a fan streams (retweets) one idol post.
    public var streamProbability = 0.25
    /// Median seconds from an idol post to a streaming retweet; lognormal.
    public var streamDelayMedianSeconds = 25.0
    /// Lognormal sigma of the streaming delay.
    public var streamDelaySigma = 1.0
    /// Share of streaming retweets that come late (a fan who was away), median 40 minutes.
    public var lateShare = 0.15
    /// Vote days: the fandom posts one pre-written template at an announced minute.
    public var voteDays = ["2019-11-09", "2019-11-16", "2019-11-23", "2019-11-30", "2020-03-14", "2020-03-21"]
    /// The announced minute, hours after midnight UTC (20:00 in Seoul).
    public var voteHourUTC = 11.0
    /// Probability that a fan joins one vote.
    public var voteProbability = 0.6
    /// Mean seconds after the announced minute of a fan's first vote post (exponential).
    public var voteDelayMeanSeconds = 45.0
    /// Mean vote posts of one fan on a vote day (geometric, at least 1); votes count per post.
    public var votesPerFan = 2.0
    /// Share of vote posts with a small personal edit (an emoji, a day count, a name).
    public var votePersonalShare = 0.4
    /// Median own posts per fan over the window; lognormal sigma 1.
    public var postsMedian = 40.0
    /// The idols' group hashtag and the vote hashtags the template carries.
    public var hashtags = ["StarlitSeven", "FanChoiceAwards", "BestGroup"]
}

/// An activist campaign (`benign_activists`): organisers and supporters, most in Hong Kong and Taipei.
public struct ActivistParameters: Codable, Sendable, Equatable {
    /// Activist accounts at scale 1 (0: no campaign).
    public var accounts = 300
    /// Organiser accounts (not scaled; `benign_activists` in truth.csv).
    public var organisers = 4
    /// Share of activists at UTC+8 (Hong Kong, Taipei); the rest are diaspora in other zones.
    public var localShare = 0.75
    /// Mean posts per day of one organiser.
    public var organiserPostsPerDay = 1.0
    /// Probability that an activist retweets one organiser post.
    public var retweetProbability = 0.08
    /// Median minutes from an organiser post to an activist's retweet; lognormal sigma 1.
    public var retweetDelayMedianMinutes = 4.0
    /// Action days: activists post from a shared toolkit of pre-written tweets.
    public var actionDays = ["2019-08-18", "2019-09-15", "2019-10-20", "2019-11-24", "2019-12-08", "2020-01-01", "2020-05-24"]
    /// The announced start of an action, local hour at UTC+8.
    public var actionHour = 20.0
    /// Pre-written tweets in the toolkit of one action day.
    public var toolkitSize = 12
    /// Probability that an activist joins one action day.
    public var actionProbability = 0.55
    /// Mean toolkit tweets one participant posts on an action day (geometric, at least 1).
    public var toolkitPostsPerActivist = 3.0
    /// Mean minutes between one participant's toolkit tweets (exponential).
    public var toolkitGapMinutes = 6.0
    /// Share of toolkit tweets with a small personal edit.
    public var toolkitEditShare = 0.3
    /// Median own posts per activist over the window; lognormal sigma 1.
    public var postsMedian = 30.0
    /// The campaign's hashtags.
    public var hashtags = ["StandWithHongKong", "FreeHongKong", "HongKongProtests"]
}

/// Syndicated news (`benign_news`): a wire service and the local news sites that post its stories.
public struct SyndicatedNewsParameters: Codable, Sendable, Equatable {
    /// Outlet accounts at scale 1 (0: no syndication); the wire account is added to them.
    public var outlets = 40
    /// Wire stories per weekday.
    public var storiesPerWeekday = 8.0
    /// Wire stories per weekend day.
    public var storiesPerWeekendDay = 2.0
    /// Business hours of the wire desk (UTC−5): first and last hour a story is released.
    public var releaseStartHour = 7.0
    /// Last hour, local, at which a story is released.
    public var releaseEndHour = 19.0
    /// Probability that an outlet runs one story.
    public var pickupProbability = 0.35
    /// Share of an outlet's copies posted by the scheduling tool at the release (seconds later);
    /// the rest are posted by hand, minutes to hours later.
    public var scheduledShare = 0.8
    /// Mean seconds from the release to a scheduled copy (exponential).
    public var scheduledDelayMeanSeconds = 8.0
    /// Median minutes from the release to a hand-posted copy; lognormal sigma 1.2.
    public var manualDelayMedianMinutes = 35.0
    /// Mean own (local) stories per day of one outlet.
    public var localPostsPerDay = 2.0
}

/// A live-event crowd (`benign_live_event`): one evening's audience on one hashtag.
public struct LiveEventParameters: Codable, Sendable, Equatable {
    /// Crowd accounts at scale 1 (0: no event); the official account is added to them.
    public var accounts = 500
    /// The event's day, local.
    public var day = "2019-11-23"
    /// The event's UTC offset, hours (London).
    public var utcOffsetHours = 0.0
    /// Start of the event, local hour.
    public var startHour = 19.0
    /// Length of the event, hours.
    public var hours = 4.0
    /// Share of the crowd watching from other time zones (a live stream).
    public var remoteShare = 0.3
    /// Mean posts of the official account per hour of the event.
    public var officialPostsPerHour = 8.0
    /// Probability that a crowd member retweets one official post.
    public var retweetProbability = 0.12
    /// Median minutes from an official post to a crowd retweet; lognormal sigma 1.
    public var retweetDelayMedianMinutes = 3.0
    /// Mean hashtag posts of one crowd member during the event (geometric, at least 1).
    public var postsPerMember = 4.0
    /// Moments of the event (a goal, the winner) at which much of the crowd posts within minutes.
    public var moments = 3
    /// Median own posts per crowd member over the window; lognormal sigma 1.2.
    public var postsMedian = 12.0
    /// The event's hashtag.
    public var hashtag = "GrandFinal19"
}
