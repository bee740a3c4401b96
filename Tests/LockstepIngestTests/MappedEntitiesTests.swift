import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

/// `[entities] from_text` in a mapping file: entities from the text where no column holds them.
@Suite struct MappedEntitiesTests {
    static let csv = """
        user,when,body,tags
        1,2020-01-01 10:00,Look #News @bob http://t.co/abc,mapped
        2,2020-01-01 10:01,RT @alice: Look #News @bob http://t.co/abc,
        3,2020-01-01 10:02,Look #News @bob http://t.co/zzz,
        """

    static func load(_ mapping: String) throws -> Dataset {
        let data = try TestData.temp(Self.csv, name: "posts.csv")
        let map = try TestData.temp(mapping, name: "map.toml")
        return try TestData.load([data], mapping: map)
    }

    static func tags(_ d: Dataset) -> [[String]] { (0..<d.posts.count).map { p in d.posts.hashtags[p].map { d.hashtags[$0] } } }

    @Test func entitiesComeFromTheTextByDefault() throws {
        let d = try Self.load("[columns]\naccount = \"user\"\ntime = \"when\"\ntext = \"body\"\nhandle = \"user\"\n")
        #expect(Self.tags(d) == [["news"], ["news"], ["news"]])
        #expect((0..<d.posts.count).map { d.posts.urls[$0].map { d.urls[$0] } } == [["http://t.co/abc"], ["http://t.co/abc"], ["http://t.co/zzz"]])
        #expect(d.posts.mentions.values.count == 3 + 1)  // the retweet's text mentions @alice too
        // The retweet has its original's text identity, from its prefix.
        let k = d.posts.retweetOf[1]
        try #require(k != noID)
        #expect(d.postKeys.isDerived(k))
    }

    @Test func aMappedColumnWinsOverTheText() throws {
        let d = try Self.load("[columns]\naccount = \"user\"\ntime = \"when\"\ntext = \"body\"\nhashtags = \"tags\"\n")
        // Hashtags from the column only (row 1's "mapped"); URLs still from the text.
        #expect(Self.tags(d) == [["mapped"], [], []])
        #expect(d.posts.urls.values.count == 3)
    }

    @Test func fromTextFalseKeepsTheTextAsText() throws {
        let d = try Self.load("[columns]\naccount = \"user\"\ntime = \"when\"\ntext = \"body\"\n[entities]\nfrom_text = false\n")
        #expect(d.posts.hashtags.values.isEmpty && d.posts.urls.values.isEmpty && d.posts.mentions.values.isEmpty)
        #expect(d.posts.kind[1] == .retweet)
        #expect(d.posts.retweetOf[1] == noID)
    }

    @Test(arguments: [
        ("[entities]\nfrom_text = \"yes\"\n", "entities.from_text is a string, expected true or false"),
        ("[entities]\nfromtext = true\n", "unknown key 'fromtext' in [entities]"),
        ("entities = 1\n", "entities must be a table"),
    ])
    func badEntitiesSectionsNameTheProblem(extra: String, message: String) {
        let text = extra + "[columns]\naccount = \"user\"\ntime = \"when\"\n"
        do {
            _ = try CSVMapping.parse(text, file: "m.toml")
            Issue.record("accepted: \(extra)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
