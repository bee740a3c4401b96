import Foundation
import LockstepCore
import LockstepIngest
import Testing

@Suite struct FollowersReaderTests {
    func read(_ text: String, file: String, target: String? = nil) throws -> (FollowerLists, IngestAccounting) {
        var b = FollowerListsBuilder()
        let bytes = Array(text.utf8)
        let acc = try bytes.withUnsafeBytes { try FollowersReader.read(bytes: $0, file: file, target: target, into: &b) }
        return (b.finish(), acc)
    }

    @Test func csvRowsAndRejectionsWithLines() throws {
        let csv = """
            target,follower_id,follower_created_at,position
            a,1,2020-01-02,0
            a,2,2020-01-01T10:00:00Z,1
            a,,2020-01-01,2
            a,3,notadate,3
            a,4,2020-01-01
            a,5,2020-01-01,x
            "b,6,2020-01-01,0
            b,7,2019-05-05,1
            "b",8,2019-05-04,0

            """
        let (lists, acc) = try read(csv, file: "f.csv")
        #expect(acc.files.first?.rowsRead == 9 && acc.files.first?.rowsUsed == 4)
        #expect(acc.examples.map(\.line) == [4, 5, 6, 7, 8])
        #expect(acc.examples.map(\.reason) == [.missingValue, .badTime, .wrongFieldCount, .badNumber, .unbalancedQuote])
        #expect(acc.examples.allSatisfy { $0.file == "f.csv" })
        #expect(acc.examples[1].description.hasPrefix("f.csv:5:3:"))
        #expect(lists.targets.strings == ["a", "b"])
        // Per target in API order; b's rows come sorted by their position column.
        #expect(lists.rows(of: 0).map { lists.followerKeys[lists.follower[$0]] } == ["1", "2"])
        #expect(lists.rows(of: 1).map { lists.followerKeys[lists.follower[$0]] } == ["8", "7"])
        #expect(lists.created[lists.rows(of: 0).last!] == CivilTime.seconds(year: 2020, month: 1, day: 1, hour: 10))
    }

    @Test func csvWithoutHeaderOrPositionKeepsRowOrder() throws {
        let (lists, acc) = try read("t,9,2021-05-01\nt,8,2021-04-01\r\nu,7,2020-01-01T00:00:00.000Z\n", file: "g.csv")
        #expect(acc.rejectedTotal == 0 && lists.count == 3)
        #expect(lists.rows(of: 0).map { lists.position[$0] } == [0, 1])
    }

    @Test func jsonlUsersPagesAndErrors() throws {
        let jsonl = """
            {"data":[{"id":"11","created_at":"2020-01-01T00:00:00.000Z"},{"id":"12"}]}
            {"id":"13","created_at":"2019-12-31T00:00:00.000Z"}
            {"errors":[{"title":"Not Found"}]}
            {broken
            {"id":14,"created_at":"Wed Oct 10 20:19:24 +0000 2018"}
            """
        let (lists, acc) = try read(jsonl, file: "/tmp/x/@PRCgov.followers.jsonl")
        #expect(lists.targets.strings == ["@PRCgov"])
        #expect(lists.rows(of: 0).map { lists.followerKeys[lists.follower[$0]] } == ["11", "13", "14"])
        #expect(acc.examples.map(\.line) == [1, 3, 4])
        #expect(acc.examples.map(\.reason) == [.missingValue, .apiError, .badJSON])
        #expect(acc.files.first?.format == "followers-jsonl")
    }

    @Test func realTwarc2UsersPage() throws {
        var b = FollowerListsBuilder()
        let acc = try FollowersReader.read(path: "/work/shared/data/twarc2-samples/users.jsonl", target: "sample", into: &b)
        let lists = b.finish()
        #expect(acc.rejectedTotal == 0 && lists.count == 96)
        #expect(lists.followerKeys[lists.follower[0]] == "119369819")
    }

    @Test(arguments: [
        ("followers.csv", nil, "followers.csv"),  // a plain file
        ("@PRCgov=data/f.jsonl", "@PRCgov", "data/f.jsonl"),  // target=FILE
        ("data/a=b.jsonl", nil, "data/a=b.jsonl"),  // an = inside a path is not a target
    ] as [(String, String?, String)])
    func arguments(argument: String, target: String?, path: String) {
        let parsed = FollowersReader.parseArgument(argument)
        #expect(parsed.target == target && parsed.path == path)
    }
}
