/// The kind of software a post was sent from.
public enum ClientCategory: String, Sendable, Codable, CaseIterable {
    /// The platform's own phone and tablet apps (and its mobile web site).
    case officialMobile = "official_mobile"
    /// The platform's own web site and desktop apps.
    case officialWeb = "official_web"
    /// Social-media management suites used by newsrooms, agencies and brands (TweetDeck, Hootsuite, ...).
    case professional
    /// Services that post without a person at the keyboard: feeds, schedulers, cross-posters, bots.
    case automation
    /// Other people's apps for reading and writing by hand (Tweetbot, Echofon, ...).
    case thirdParty = "third_party"
    /// Not in the table and matched by no rule.
    case unknown
}

/// The maintained table of posting clients. Add a client here, once; keep each list sorted.
///
/// Lookup is by exact name, case-insensitive; names not in the table fall through to the
/// rules in ``category(of:)``. Sources: the `source` values seen in the IO archive and public
/// Twitter datasets, and the vendors' own product names.
public enum ClientCategories {
    static let officialMobile = [
        "Mobile Web", "Mobile Web (M2)", "Mobile Web (M5)", "Twitter for Android", "Twitter for Android Tablets",
        "Twitter for BlackBerry", "Twitter for BlackBerry®", "Twitter for iPad", "Twitter for iPhone", "Twitter for iOS",
        "Twitter for Nokia S40", "Twitter for Windows Phone", "Twitter Lite", "Twitter for Apple Watch",
    ]
    static let officialWeb = [
        "Twitter for Mac", "Twitter for Websites", "Twitter for Windows", "Twitter Web App", "Twitter Web Client", "Twitter.com",
        "Twitter for Chrome", "X Web App",
    ]
    static let professional = [
        "Agorapulse app", "Brandwatch", "Falcon Social Media Management", "Hootsuite", "Hootsuite Inc.", "Khoros",
        "Khoros Publishing", "Media Studio", "Oktopost", "SocialFlow", "Spredfast", "Spredfast app", "Sprinklr",
        "Sprinklr Publishing", "Sprinklr Prod2", "Sprout Social", "TweetDeck", "TweetDeck Web App", "Twitter Ads",
        "Twitter Ads Composer", "Twitter Media Studio", "Twitter for Advertisers", "Twitter for Advertisers.",
    ]
    static let automation = [
        "Buffer", "Botize", "Cheap Bots, Done Quick!", "Crowdfire App", "dlvr.it", "Facebook", "Google", "IFTTT",
        "Instagram", "LinkedIn", "Microsoft Power Platform", "Paper.li", "Publer.io", "RoundTeam", "Sendible",
        "SocialOomph", "SocialPilot.co", "Tailwind", "Tumblr", "Tweet Jukebox", "TweetAdder", "Twibble.io",
        "twitterfeed", "WordPress.com", "WordPress", "YouTube", "Zapier.com", "Zapier",
        "twittbot.net", "Twittascope", "Viral Tweet Generator", "Post Planner", "Later Media", "Loomly",
        "CoSchedule", "MeetEdgar", "Revive Social App", "Social Booster",
    ]
    static let thirdParty = [
        "Echofon", "Fenix for Android", "Fenix 2 for Android", "Janetter", "Plume for Android", "Talon (Plus)",
        "Talon Android", "Tweetbot for iOS", "Tweetbot for Mac", "Tweetbot for iΟS", "TweetCaster for Android",
        "TweetCaster for iOS", "Tweetings for Android", "Tweetings for iPhone", "Twitterrific", "Twitterrific for Mac",
        "UberSocial for Android", "UberSocial for BlackBerry", "Tweetlogix", "Flamingo for Android", "Twidere for Android",
        "Owly for Android", "YoruFukurou", "Hootsuite for iOS", "Hootsuite for Android",
    ]

    /// Exact names, lowercased.
    static let table: [String: ClientCategory] = {
        var t: [String: ClientCategory] = [:]
        for (names, c) in [(officialMobile, ClientCategory.officialMobile), (officialWeb, .officialWeb),
                           (professional, .professional), (automation, .automation), (thirdParty, .thirdParty)] {
            for n in names { t[n.lowercased()] = c }
        }
        return t
    }()

    /// The category of a client name: the table first, then these rules in order:
    /// a word ending in `bot`/`bots` or containing `rss`, `feed`, `autopost` or `schedul` → automation;
    /// `twitter for ` followed by a phone platform → official mobile; anything else → unknown.
    public static func category(of name: String) -> ClientCategory {
        let lower = name.lowercased()
        if let c = table[lower] { return c }
        var words: [Substring] = []
        var start = lower.startIndex
        for i in lower.indices where !(lower[i].isLetter || lower[i].isNumber) {
            if start < i { words.append(lower[start..<i]) }
            start = lower.index(after: i)
        }
        if start < lower.endIndex { words.append(lower[start...]) }
        for w in words where w.hasSuffix("bot") || w.hasSuffix("bots") || w.contains("rss") || w.hasSuffix("feed")
            || w.hasPrefix("autopost") || w.hasPrefix("autotweet") || w.hasPrefix("schedul") {
            return .automation
        }
        for p in ["twitter for android", "twitter for iphone", "twitter for ipad", "twitter for ios", "twitter for windows phone"]
            where lower.hasPrefix(p) {
            return .officialMobile
        }
        return .unknown
    }
}
