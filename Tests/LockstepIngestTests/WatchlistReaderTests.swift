import LockstepCore
import Testing
@testable import LockstepIngest

@Suite struct WatchlistReaderTests {
    @Test func readsAccountsHandlesAndDomains() throws {
        let text = "account,handle,domain,label\n123,,,diplomat\n,@CGTNOfficial,,state media\n,,\"www.globaltimes.cn\",\"state media\"\n\n"
        let w = try WatchlistReader.parse(text, file: "w.csv")
        #expect(w.entries.count == 3)
        #expect(w.label(accountID: "123", handle: "") == "diplomat")
        #expect(w.label(accountID: "9", handle: "cgtnofficial") == "state media")
        #expect(w.label(domain: "news.globaltimes.cn") == "state media")
        #expect(w.label(domain: "example.com") == nil)
        #expect(w.labels == ["diplomat", "state media"])
    }

    @Test(arguments: [
        // no label column
        ("handle\nx\n", "w.csv:1: no 'label' column"),
        // no key column
        ("name,label\nx,y\n", "w.csv:1: the header needs"),
        // empty label on line 3
        ("handle,label\na,b\nc,\n", "w.csv:3: empty label"),
        // wrong field count on line 2
        ("handle,label\na,b,c\n", "w.csv:2: expected 2 fields"),
        // two keys in one row
        ("account,handle,label\n1,x,l\n", "w.csv:2: more than one"),
        // unbalanced quote starting on line 2
        ("handle,label\n\"a,b\n", "w.csv:2: unbalanced quote"),
        // empty file
        ("", "w.csv:1: empty watchlist"),
    ])
    func reportsErrorsWithFileAndLine(_ text: String, _ prefix: String) {
        do {
            _ = try WatchlistReader.parse(text, file: "w.csv")
            Issue.record("expected an error")
        } catch let e as WatchlistError {
            #expect(e.description.hasPrefix(prefix), "\(e.description)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
