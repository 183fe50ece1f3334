import Foundation
import Metrics
import Tasks
import XCTest

final class PTBTokenizerTests: XCTestCase {
    func testTreebankConventions() {
        XCTAssertEqual(PTBTokenizer.tokens("It isn't cheap; it's \"family-friendly\" (riverside)."),
                       ["it", "is", "n't", "cheap", ";", "it", "'s", "``", "family-friendly", "''", "-lrb-", "riverside", "-rrb-", "."])
        XCTAssertEqual(PTBTokenizer.tokens("Mr. Smith can't pay £20-25 in the U.S."),
                       ["mr.", "smith", "ca", "n't", "pay", "#", "20-25", "in", "the", "u.s."])
        XCTAssertEqual(PTBTokenizer.tokens("gonna cannot 'tis o'clock he'd've ."), ["gon", "na", "can", "not", "'t", "is", "o'clock", "he", "'d", "'ve", "."])
    }

    /// What the COCO scorers see: punctuation gone, but brackets kept under their lower-cased names.
    /// Two looks past a line's end: an abbreviation before a digit on the next line, a clitic ending the input.
    func testBatchContext() {
        XCTAssertEqual(PTBTokenizer.captions(["see fig.", "3 items", "see fig.", "more"]), ["see fig.", "3 items", "see fig", "more"])
        XCTAssertEqual(PTBTokenizer.captions(["they're", "they're"]), ["they 're", "they re"])
        XCTAssertEqual(PTBTokenizer.tokens("he'd've"), ["he", "'d", "`", "ve"])
        XCTAssertEqual(PTBTokenizer.tokens("it's"), ["it", "'s"])
    }

    func testCaptionDropsPunctuationButNotBrackets() {
        XCTAssertEqual(PTBTokenizer.caption("The Eagle (riverside), a pub... Cheap!"), "the eagle -lrb- riverside -rrb- a pub cheap")
        XCTAssertEqual(PTBTokenizer.caption(""), "")
    }

    /// Lines meant to reach each rule: contractions, quotes of every kind, brackets, currencies, numbers,
    /// abbreviations, URLs, dashes and ellipses, and the restaurant and knowledge-graph text the tasks hold.
    static let probes = [
        "The Eagle is a coffee shop near Burger King (riverside) that serves £20-25 food.",
        "It isn't cheap; it's \"family-friendly\" and won't close at 5 p.m. in the U.S.",
        "Mr. Smith's café costs $3.50... Really?! Yes -- no - maybe 1,080.5 items & more",
        "colour centre favourite's 'quoted' `back` [bracket] {brace} e.g. i.e. etc.",
        "She said: \"Hello!\" He'd've gone. Can't, cannot, gonna, wanna, d'ye 'tis",
        "URL http://www.example.com/a?b=c email a@b.com 3/4 50% #1 @user C++ AT&T",
        "",
        "email-only line…  — em dash – en dash “curly” ‘single’ naïve ½ 10km 5pm 2x",
        "The Wrestlers is a 5-star, adult-only place. Prices: £££. Rating: 3 out of 5.",
        "€5 ¥3 ¢4 $5 US$5 A$10 £5.50 5£ 20-25 £20-25 1-2 3.5-star 5- star",
        "the cat's toys. the cats' toys. James' car. rock 'n' roll. '90s 'em o'clock y'all",
        "don't DON'T Don't I'm you're we've they'll she'd I'D ain't shan't can't won't",
        "He said 'hello' to her. She 'd go. 'Twas 'tis ma'am",
        "a.m. p.m. U.K. U.S.A. Inc. Ltd. Co. Corp. Jr. Sr. St. Mt. vs. etc. approx. No. 5 Jan. Feb. Dr. Prof.",
        "Mr. Mrs. Ms. Dr. St. Inc. at end: St.",
        "text with etc. in middle. And a.m. in middle.",
        "tab\tseparated\twords  double  spaces",
        "x-ray e-mail re-do co-op 1990s 1,000,000 3.14 .5 0.5 5. 5.5.5 12:30 12/25/2020 1/2 10-year-old",
        "hello!!! what??? wait... ok.... no.. yes.",
        "(a) [b] {c} «e» \"f\" 'g' `h`",
        "... - -- --- — _ __ * ** # ## @ & % ^ ~ | \\ /",
        "The restaurant's rating is 5 out of 5.The next sentence.",
        "Alimentum,Aromi,Blue Spice;Clowns:Cocum",
        "Fitzbillies is in the £20-25 price range and is child-friendly.",
        "It's a 3-star place.It is not.",
        "and/or either/or 1990/91 w/o x,y 3,4 a&b",
        "approx. 20 minutes, no. of seats, fig. 3, vol. 2",
        "Plan B. Vitamin C is good. I am here. He is at No. 10 Downing St. now.",
        "The Golden Curry's customer rating is 1 out of 5 - it's near The Bakers.",
        "Browns Cambridge is a low-priced, family friendly Italian restaurant; it's by the river.",
        "Aarhus Airport's runway length is 2,776.0 (metres) and it serves Aarhus, Denmark.",
        "The 1634: The Ram Rebellion, by Eric Flint, has 512 pages (ISBN 1-4165-2060-0).",
        "Ajoblanco is from Andalusia (Spain), where the leader is Susana Díaz; the dish has bread, almonds & garlic.",
        "A.C. Chievo Verona's manager is Rolando Maran; its ground is Stadio Marc'Antonio Bentegodi.",
        // A period before , ; or : stays on a plain word (not on 3.5, a/b, ma'am or a clitic).
        "in the city center., has it.; then.: 25., ab1., x-y., a_b., o'clock., AT&T., cannot., gonna., X.,",
        "it's., don't., 3.5., 1,000., a/b., ma'am., 1 1/2., U.S., e.g., center.! center.) center.. center.\" end.,",
    ]

    /// Random lines of tricky tokens: clitics, quotes, currencies, abbreviations, numbers, separated by spaces; a
    /// punctuation mark is glued to the word before it half of the time, as written text has it.
    static func generated() -> [String] {
        let vocabulary = ["The", "pub", "isn't", "it's", "\"quoted\"", "(near)", "£20", "€5", "$3.50", "5-star", "1,080", "3.5",
                          "e.g.", "U.S.", "Mr.", "etc.", "...", "--", "—", "'s", "o'clock", "can't", "cannot", "won't", "I'm",
                          "they're", "‘single’", "“double”", "x/y", "1/2", "a.m.", "St.", "No.", "5", "!", "?", "?!", ";", ":",
                          ",", ".", "'", "`", "[b]", "{c}", "&", "AT&T", "C++", "#1", "@user", "50%", "well-known", "co-op",
                          "Inc.", "Jan.", "Dr.", "rock", "'n'", "'90s", "ma'am", "y'all", "gonna", "…", "½", "naïve", "café",
                          "www.x.com", "a@b.co", "<b>", "*", "**", "_", "2:30", "3,4", "-5", "+3", "+", "=", "~", "|", "\\",
                          "5.", "Ltd.", "vs.", "approx.", "fig.", "vol."]
        let punctuation: Set = [",", ".", ";", ":", "!", "?", "?!", "...", "…"]
        var state: UInt64 = 20241122
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        return (0..<3000).map { _ in
            var line = ""
            for k in 0..<(1 + next(12)) {
                let word = vocabulary[next(vocabulary.count)]
                if k > 0 && !(punctuation.contains(word) && next(2) == 0) { line += " " }
                line += word
            }
            return line
        }
    }

    /// Every shipped E2E reference and WebNLG lexicalisation, with the probes.
    static func corpus() throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var lines = probes
        for split in ["train", "validation", "test"] {
            let e2e = try TaskFormat.e2e.load(root.appendingPathComponent("tasks/data/e2e/\(split).csv").path)
            let webnlg = try TaskFormat.webnlg.load(root.appendingPathComponent("tasks/data/webnlg/\(split).xml").path)
            lines += (e2e.examples + webnlg.examples).flatMap(\.references)
        }
        return Array(Set(lines + generated())).sorted()
    }

    func testMatchesStanfordTokenizerThroughPycocoevalcap() throws {
        let lines = try Self.corpus()
        let expected = try XCTUnwrap(try ReferenceScript.run("ptb_reference.py", cases: lines, package: "pycocoevalcap==1.2 (and Java)") as? [String])
        XCTAssertEqual(expected.count, lines.count)
        var mismatches: [String] = []
        for (line, (got, want)) in zip(lines, zip(PTBTokenizer.captions(lines), expected)) {
            if got != want { mismatches.append("\(line)\n  ours: \(got)\n  jar:  \(want)") }
        }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) of \(lines.count) lines differ:\n" + mismatches.prefix(30).joined(separator: "\n"))
    }
}
