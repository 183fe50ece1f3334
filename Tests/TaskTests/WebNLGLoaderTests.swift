import Tasks
import XCTest

final class WebNLGLoaderTests: XCTestCase {
    /// 2017 challenge layout: no XML declaration, `lex` with `comment` and `lid`.
    static let challenge2017 = """
    <benchmark>
      <entries>
        <entry category="Food" eid="Id1" size="1">
          <originaltripleset>
            <otriple>Bakso | ingredient | Noodle</otriple>
          </originaltripleset>
          <modifiedtripleset>
            <mtriple>Bakso | ingredient | Noodle</mtriple>
          </modifiedtripleset>
          <lex comment="good" lid="Id1">Noodles are an ingredient of bakso.</lex>
          <lex comment="good" lid="Id2">Bakso contains noodles &amp; meat.</lex>
        </entry>
        <entry category="Food" eid="Id2" size="2">
          <originaltripleset>
            <otriple>Bakso | country | Indonesia</otriple>
            <otriple>Indonesia | capital | Jakarta</otriple>
          </originaltripleset>
          <modifiedtripleset>
            <mtriple>Bakso | country | Indonesia</mtriple>
            <mtriple>Indonesia | capital | Jakarta</mtriple>
          </modifiedtripleset>
          <lex comment="bad" lid="Id1">Bakso is from Indonesia, whose capital is Jakarta.</lex>
        </entry>
      </entries>
    </benchmark>
    """

    /// Release v2: XML declaration, `shape` and `shape_type`.
    static let release2 = """
    <?xml version='1.0' encoding='utf-8'?>
    <benchmark>
      <entries>
        <entry category="Airport" eid="Id7" shape="(X (X))" shape_type="NA" size="1">
          <originaltripleset><otriple>Aarhus_Airport | runwayLength | "2776.0"^^xsd:double</otriple></originaltripleset>
          <modifiedtripleset><mtriple>Aarhus_Airport | runwayLength | 2776.0</mtriple></modifiedtripleset>
          <lex comment="good" lid="Id1">Aarhus Airport's runway is 2776.0 m long.</lex>
        </entry>
      </entries>
    </benchmark>
    """

    /// v3.0 Russian: `lex` in pairs with `lang`, plus `dbpedialinks` and `links`.
    static let russian = """
    <?xml version='1.0' encoding='utf-8'?>
    <benchmark>
      <entries>
        <entry category="Airport" eid="Id1" shape="(X (X))" shape_type="NA" size="1">
          <originaltripleset><otriple>Aarhus_Airport | cityServed | Aarhus</otriple></originaltripleset>
          <modifiedtripleset><mtriple>Aarhus_Airport | cityServed | Aarhus</mtriple></modifiedtripleset>
          <lex comment="good" lang="en" lid="Id1">Aarhus Airport serves Aarhus.</lex>
          <lex comment="good" lang="ru" lid="Id1">Аэропорт Орхус обслуживает город Орхус.</lex>
          <lex comment="good" lang="en" lid="Id2">The city of Aarhus is served by Aarhus Airport.</lex>
          <dbpedialinks>
            <dbpedialink direction="en2ru">Aarhus | sameAs | Орхус</dbpedialink>
          </dbpedialinks>
          <links>
            <link direction="en2ru">Aarhus Airport | sameAs | Аэропорт Орхус</link>
          </links>
        </entry>
      </entries>
    </benchmark>
    """

    func testChallenge2017Layout() throws {
        let f = try TaskFileFixture()
        let split = try WebNLGLoader.load(try f.write("dev.xml", Self.challenge2017))
        XCTAssertEqual(split.examples.count, 2)
        XCTAssertEqual(split.counts["triples"], 3)
        XCTAssertEqual(split.examples[0].references, ["Noodles are an ingredient of bakso.", "Bakso contains noodles & meat."])
        XCTAssertEqual(split.examples[1].fields["triples"], "Bakso | country | Indonesia\nIndonesia | capital | Jakarta")
        XCTAssertEqual(split.examples[1].group, "Food")
        XCTAssertEqual(split.examples[1].id, "dev/Id2")
    }

    func testRelease2Layout() throws {
        let f = try TaskFileFixture()
        let entries = try WebNLGLoader.entries(try f.write("r2.xml", Self.release2))
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries[0].triples, [WebNLGLoader.Triple(subject: "Aarhus_Airport", property: "runwayLength", object: "2776.0")])
        XCTAssertEqual(entries[0].lexicalisations.count, 1)
    }

    func testRussianFileSelectsLanguage() throws {
        let f = try TaskFileFixture()
        let path = try f.write("ru.xml", Self.russian)
        XCTAssertEqual(try WebNLGLoader.load(path).examples[0].references,
                       ["Aarhus Airport serves Aarhus.", "The city of Aarhus is served by Aarhus Airport."])
        XCTAssertEqual(try WebNLGLoader.load(path, language: "ru").examples[0].references, ["Аэропорт Орхус обслуживает город Орхус."])
    }

    func testFolderIsOneSplitAndTestFilesWithoutReferencesLoad() throws {
        let f = try TaskFileFixture()
        try f.write("train/1triples/Food.xml", Self.challenge2017)
        try f.write("train/2triples/Airport.xml", Self.release2)
        try f.write("train/README.txt", "not XML")
        let split = try WebNLGLoader.load(f.folder.appendingPathComponent("train").path)
        XCTAssertEqual(split.counts["files"], 2)
        XCTAssertEqual(split.examples.count, 3)
        XCTAssertEqual(split.examples.first?.id, "Food/Id1")

        let unlabelled = Self.release2.replacingOccurrences(of: "<lex comment=\"good\" lid=\"Id1\">Aarhus Airport's runway is 2776.0 m long.</lex>", with: "")
        let test = try WebNLGLoader.load(try f.write("test.xml", unlabelled))
        XCTAssertEqual(test.examples[0].references, [])
        XCTAssertEqual(test.counts["entries_without_references"], 1)
    }

    /// The v3.0 (2020) test data: the file with references writes `lang=""`, which means the file's language; the
    /// release's test folder holds the same entries with and without references, and the semantic-parsing files.
    func testRelease3TestFolderGivesEachEntryOnceWithItsReferences() throws {
        func file(_ lex: (Int) -> String) -> String {
            """
            <?xml version='1.0' encoding='utf-8'?>
            <benchmark>
              <entries>
            \((1...3).map { i in """
                <entry category="Airport" eid="Id\(i)" shape="(X (X))" shape_type="NA" size="1">
                  <modifiedtripleset><mtriple>Airport_\(i) | city | Town_\(i)</mtriple></modifiedtripleset>
                  \(lex(i))
                </entry>
            """ }.joined(separator: "\n"))
              </entries>
            </benchmark>
            """
        }
        let f = try TaskFileFixture()
        let withRefs = file { i in "<lex lang=\"\" lid=\"Id1\">Airport \(i) serves town \(i).</lex><lex lang=\"\" lid=\"Id2\">Town \(i) has airport \(i).</lex>" }
        try f.write("test/rdf-to-text-generation-test-data-with-refs-en.xml", withRefs)
        try f.write("test/rdf-to-text-generation-test-data-without-refs-en.xml", file { _ in "" })
        try f.write("test/semantic-parsing-test-data-with-refs-en.xml", file { i in "<lex lid=\"Id1\">Airport \(i) serves town \(i).</lex>" })
        let one = try WebNLGLoader.load(f.folder.appendingPathComponent("test/rdf-to-text-generation-test-data-with-refs-en.xml").path)
        XCTAssertEqual(one.examples.map(\.references.count), [2, 2, 2], "lang=\"\" is English in an -en file")
        XCTAssertEqual(try WebNLGLoader.load(f.folder.appendingPathComponent("test/rdf-to-text-generation-test-data-with-refs-en.xml").path,
                                             language: "ru").examples.map(\.references.count), [0, 0, 0])
        let folder = try WebNLGLoader.load(f.folder.appendingPathComponent("test").path)
        XCTAssertEqual(folder.examples.count, 3, "each entry once")
        XCTAssertEqual(folder.examples.map(\.references.count), [2, 2, 2], "the copy with references")
        XCTAssertEqual(folder.counts["semantic_parsing_files_skipped"], 1)
        XCTAssertEqual(folder.counts["entries_without_references"], 0)
        // In a Russian file, lang="" is Russian.
        let ru = try f.write("x/test-data-with-refs-ru.xml", file { i in "<lex lang=\"\" lid=\"Id1\">Аэропорт \(i).</lex>" })
        XCTAssertEqual(try WebNLGLoader.load(ru, language: "ru").examples.map(\.references.count), [1, 1, 1])
        // Two copies of an entry with different references: refused, both files named.
        try f.write("test/other-with-refs-en.xml", file { i in "<lex lid=\"Id1\">Something else \(i).</lex>" })
        XCTAssertThrowsError(try WebNLGLoader.load(f.folder.appendingPathComponent("test").path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("other-with-refs-en.xml") && text.contains("rdf-to-text-generation-test-data-with-refs-en.xml") && text.contains("eid Id1"), text)
        }
    }

    func testMalformedFiles() throws {
        let f = try TaskFileFixture()
        var path = try f.write("broken.xml", "<benchmark>\n<entries>\n<entry eid=\"Id1\">\n<mtriple>a | b | c</mtriple>\n</entries>\n</benchmark>\n")
        assertTaskError(try WebNLGLoader.load(path), path: path, "line 5", "not well formed")
        path = try f.write("truncated.xml", String(Self.release2.prefix(300)))
        assertTaskError(try WebNLGLoader.load(path), path: path, "not well formed")
        path = try f.write("notriples.xml", "<benchmark><entries>\n<entry category=\"X\" eid=\"Id4\" size=\"0\">\n<lex>Text.</lex>\n</entry></entries></benchmark>")
        assertTaskError(try WebNLGLoader.load(path), path: path, "eid Id4", "without triples")
        path = try f.write("badtriple.xml", "<benchmark><entries>\n<entry eid=\"Id1\">\n<mtriple>only | two</mtriple></entry></entries></benchmark>")
        assertTaskError(try WebNLGLoader.load(path), path: path, "line 3", "subject | property | object")
        path = try f.write("noroot.xml", "<entries><entry eid=\"Id1\"><mtriple>a | b | c</mtriple></entry></entries>")
        assertTaskError(try WebNLGLoader.load(path), path: path, "no <benchmark>")
        path = try f.write("noeid.xml", "<benchmark><entries><entry><mtriple>a | b | c</mtriple></entry></entries></benchmark>")
        assertTaskError(try WebNLGLoader.load(path), path: path, "without an eid")
        try FileManager.default.createDirectory(at: f.folder.appendingPathComponent("emptydir"), withIntermediateDirectories: true)
        assertTaskError(try WebNLGLoader.load(f.folder.appendingPathComponent("emptydir").path), path: f.folder.appendingPathComponent("emptydir").path, "no .xml files")
    }
}
