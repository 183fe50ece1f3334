import Tasks
import XCTest

final class E2ELoaderTests: XCTestCase {
    /// The development set's layout: unquoted header, CRLF, quotes only where a field needs them, `""` escapes,
    /// non-ASCII text and double spaces inside a reference.
    static let devStyle = "mr,ref\r\n"
        + "\"name[Café Roma], eatType[pub], priceRange[less than £20]\",\"Café Roma is a pub with \"\"cheap\"\" prices, less than £20.\"\r\n"
        + "\"name[Café Roma], eatType[pub], priceRange[less than £20]\",Café Roma is a cheap pub.  It costs under £20.\r\n"
        + "\"name[The Eagle], customer rating[5 out of 5], near[Crowne Plaza Hotel]\",The Eagle is rated 5 out of 5.\r\n"
        + "\"name[The Eagle], customer rating[5 out of 5], near[Crowne Plaza Hotel]\",\"Near Crowne Plaza Hotel, The Eagle\r\nhas top ratings.\"\r\n"
        + "\"name[The Eagle], customer rating[5 out of 5], near[Crowne Plaza Hotel]\",The Eagle is near the Crowne Plaza Hotel.\r\n"

    /// The test set with references: every field quoted, LF.
    static let testStyle = "\"mr\",\"ref\"\n\"name[Blue Spice], area[riverside]\",\"Blue Spice is by the river.\"\n"
        + "\"name[Blue Spice], area[riverside]\",\"At the riverside: Blue Spice.\"\n\"name[Zizzi], familyFriendly[yes]\",\"Zizzi welcomes families.\"\n"

    func testDevelopmentSetLayoutGroupsReferencesAndKeepsText() throws {
        let fixture = try TaskFileFixture()
        let split = try E2ELoader.load(try fixture.write("dev.csv", Self.devStyle))
        XCTAssertEqual(split.examples.count, 2)
        XCTAssertEqual(split.counts["rows"], 5)
        XCTAssertEqual(split.counts["references"], 5)
        XCTAssertEqual(split.examples[0].fields["mr"], "name[Café Roma], eatType[pub], priceRange[less than £20]")
        XCTAssertEqual(split.examples[0].references, ["Café Roma is a pub with \"cheap\" prices, less than £20.",
                                                      "Café Roma is a cheap pub.  It costs under £20."])
        XCTAssertEqual(split.examples[1].references.count, 3)
        XCTAssertEqual(split.examples[1].references[1], "Near Crowne Plaza Hotel, The Eagle\r\nhas top ratings.")
    }

    func testTestSetLayouts() throws {
        let fixture = try TaskFileFixture()
        let split = try E2ELoader.load(try fixture.write("test.csv", Self.testStyle))
        XCTAssertEqual(split.examples.map(\.references.count), [2, 1])
        let noRefs = try E2ELoader.load(try fixture.write("testset.csv", "MR\n\"name[Blue Spice], area[riverside]\"\n\"name[Zizzi], familyFriendly[yes]\"\n"))
        XCTAssertEqual(noRefs.examples.count, 2)
        XCTAssertEqual(noRefs.counts["references"], 0)
        XCTAssertEqual(noRefs.examples[1].fields["mr"], "name[Zizzi], familyFriendly[yes]")
    }

    func testMeaningRepresentationParsing() throws {
        let mr = try MeaningRepresentation.parse("name[The Eagle], eatType[coffee shop], customer rating[5 out of 5], priceRange[£20-25]").get()
        XCTAssertEqual(mr.pairs.map(\.attribute), ["name", "eatType", "customer rating", "priceRange"])
        XCTAssertEqual(mr["customer rating"], "5 out of 5")
        XCTAssertEqual(mr["priceRange"], "£20-25")
        XCTAssertEqual(mr.text, "name[The Eagle], eatType[coffee shop], customer rating[5 out of 5], priceRange[£20-25]")
        for bad in ["name[The Eagle", "name The Eagle", "[x]", "name[a] eatType[b]", ""] {
            if case .success = MeaningRepresentation.parse(bad) { XCTFail("accepted '\(bad)'") }
        }
    }

    func testMalformedFilesNameFileAndLine() throws {
        let f = try TaskFileFixture()
        let ok = "\"name[A], area[riverside]\",Fine.\n"
        var path = try f.write("nocolumn.csv", "mr,text\n" + ok)
        assertTaskError(try E2ELoader.load(path), path: path, "line 1", "missing column 'ref'")
        path = try f.write("nomr.csv", "meaning,ref\n" + ok)
        assertTaskError(try E2ELoader.load(path), path: path, "line 1", "missing column 'mr'")
        path = try f.write("unbalanced.csv", "mr,ref\n" + ok + "\"name[B], area[riverside]\",\"Open quote\nnever closed.\n")
        assertTaskError(try E2ELoader.load(path), path: path, "line 3", "unbalanced quotes")
        path = try f.write("trailing.csv", "mr,ref\n" + ok + "\"name[B]\"x,Text.\n")
        assertTaskError(try E2ELoader.load(path), path: path, "line 3", "after the closing quote")
        path = try f.write("fields.csv", "mr,ref\n" + ok + "\"name[B]\",one,two\n")
        assertTaskError(try E2ELoader.load(path), path: path, "line 3", "3 fields, the header has 2")
        path = try f.write("badmr.csv", "mr,ref\n" + ok + "name B,Text.\n")
        assertTaskError(try E2ELoader.load(path), path: path, "line 3", "bad meaning representation")
        path = try f.write("emptyref.csv", "mr,ref\n\"name[B]\",\n")
        assertTaskError(try E2ELoader.load(path), path: path, "line 2", "empty reference")
        path = try f.write("empty.csv", "")
        assertTaskError(try E2ELoader.load(path), path: path, "empty file")
        path = try f.write("header-only.csv", "mr,ref\r\n")
        assertTaskError(try E2ELoader.load(path), path: path, "no rows")
        path = try f.write("latin1.csv", Data("mr,ref\n\"name[A]\",ok\n\"name[B]\",".utf8) + Data([0xA3, 0x32, 0x30, 0x0A]))
        assertTaskError(try E2ELoader.load(path), path: path, "line 3", "not UTF-8")
        assertTaskError(try E2ELoader.load(f.folder.path + "/missing.csv"), path: f.folder.path + "/missing.csv", "no such file")
    }

    /// A line count that a quoted multi-line field must not throw off.
    func testLineNumbersCountNewlinesInsideQuotes() throws {
        let f = try TaskFileFixture()
        let path = try f.write("multiline.csv", "mr,ref\r\n\"name[A]\",\"one\r\ntwo\r\nthree\"\r\nname B,x\r\n")
        assertTaskError(try E2ELoader.load(path), path: path, "line 5")
    }
}
