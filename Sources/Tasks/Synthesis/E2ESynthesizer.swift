import CSV
import Foundation

/// Restaurant meaning representations with the E2E attributes and values, each verbalised several ways by
/// composing one phrasing per attribute in varied orders, written as the official CSV: `mr,ref`, one row per
/// reference. Train and validation files follow `devset.csv` (unquoted header, quotes only where needed, CRLF),
/// the test file follows `testset_w_refs.csv` (every field quoted, LF).
enum E2ESynthesizer {
    static let names = [
        "The Copper Kettle", "Blue Heron", "Café Sicilia", "The Golden Pear", "Lantern House", "The Olive Grove",
        "Marlowe's", "The Silver Spoon", "Juniper", "The Red Fox", "Bramble", "The Painted Door", "Saffron", "The Old Mill",
        "Zest", "Harbour Lights", "The Tin Whistle", "Little Fig", "The Wandering Goose", "Amber Rooms", "Crème Brûlée",
        "The Quiet Owl", "Pepper Tree", "The Gilded Lily", "Northern Star",
    ]
    static let landmarks = ["Crown Bridge", "the Market Hall", "Elm Park", "St Anne's Church", "the Central Library",
                            "Quayside Gallery", "Castle Gate", "the Railway Museum"]
    static let values: [(String, [String])] = [
        ("eatType", ["restaurant", "coffee shop", "pub"]),
        ("food", ["Italian", "French", "Chinese", "Indian", "Japanese", "English", "Fast food"]),
        ("priceRange", ["cheap", "moderate", "high", "less than £20", "£20-25", "more than £30"]),
        ("customer rating", ["low", "average", "high", "1 out of 5", "3 out of 5", "5 out of 5"]),
        ("area", ["city centre", "riverside"]),
        ("familyFriendly", ["yes", "no"]),
        ("near", landmarks),
    ]

    static func file(split: String, count: Int, seed: UInt64) -> Data {
        var random = SynthRandom(seed: seed, stream: "e2e/\(split)")
        var seen = Set<String>()
        var rows: [[String]] = []
        var attempts = 0
        while seen.count < count && attempts < TaskSynthesizer.maxAttempts(count) {
            attempts += 1
            let mr = meaningRepresentation(&random)
            let key = mr.text
            guard TaskSynthesizer.split(of: key, seed: seed) == split, seen.insert(key).inserted else { continue }
            let wanted = split == "train" ? random.int(2...4) : random.int(4...6)
            var references: [String] = []
            var tries = 0
            while references.count < wanted && tries < 50 {
                tries += 1
                let r = realise(mr, &random)
                if !references.contains(r) { references.append(r) }
            }
            rows += references.map { [key, $0] }
        }
        return csv(rows, officialTestLayout: split == "test")
    }

    static func meaningRepresentation(_ random: inout SynthRandom) -> MeaningRepresentation {
        var pairs: [(attribute: String, value: String)] = [("name", random.pick(names))]
        while pairs.count < 3 {
            pairs = [pairs[0]]
            for (attribute, options) in values where random.chance(0.55) { pairs.append((attribute, random.pick(options))) }
        }
        return MeaningRepresentation(pairs: pairs)
    }

    /// One verbalisation: a sentence introducing the venue with some attributes folded into its noun phrase, and
    /// the rest as clauses, in a random order, split over one or two sentences.
    static func realise(_ mr: MeaningRepresentation, _ random: inout SynthRandom) -> String {
        let name = mr["name"]!
        let kind = mr["eatType"] ?? random.pick(["place", "venue"])
        var noun = kind
        if let food = mr["food"] { noun = (food == "Fast food" ? "fast food" : food) + " " + noun }
        var clauses: [String] = []
        if let price = mr["priceRange"] {
            if let adjectives = priceAdjectives[price] {
                noun = random.pick(adjectives) + " " + noun
            } else {
                clauses.append(random.pick(["with prices \(price == "£20-25" ? "of " : "")\(price)", "where meals cost \(price)"]))
            }
        }
        if let area = mr["area"] {
            clauses.append(area == "riverside" ? random.pick(["by the riverside", "in the riverside area"])
                                               : random.pick(["in the city centre", "in the centre of the city"]))
        }
        if let near = mr["near"] { clauses.append(random.pick(["near \(near)", "close to \(near)"])) }
        random.shuffle(&clauses)
        let article = "aeiouAEIOU".contains(noun.first!) ? "an" : "a"
        var extras: [String] = []
        if let rating = mr["customer rating"] { extras.append(ratingPhrase(rating, &random)) }
        if let family = mr["familyFriendly"] {
            extras.append(family == "yes" ? random.pick(["is family-friendly", "welcomes children", "is kid friendly"])
                                          : random.pick(["is not family-friendly", "does not welcome children", "is for adults only"]))
        }
        random.shuffle(&extras)
        let places = clauses.isEmpty ? "" : " " + clauses.joined(separator: " ")
        let facts = extras.joined(separator: " and ")
        let then = extras.isEmpty ? "" : " It \(facts)."
        switch random.below(extras.isEmpty ? 2 : 4) {
        case 0: return "\(name) is \(article) \(noun)\(places).\(then)"
        case 1: return "There is \(article) \(noun) called \(name)\(places).\(then)"
        case 2: return "\(name) is \(article) \(noun)\(places) and \(facts)."
        default: return "\(name), \(article) \(noun)\(places), \(facts)."
        }
    }

    static let priceAdjectives = [
        "cheap": ["cheap", "low-priced", "inexpensive"], "moderate": ["moderately priced", "mid-priced"],
        "high": ["expensive", "high-priced"],
    ]

    static func ratingPhrase(_ rating: String, _ random: inout SynthRandom) -> String {
        if rating.contains("out of") {
            return random.pick(["has a customer rating of \(rating)", "is rated \(rating) by customers"])
        }
        return random.pick(["has \(rating == "average" ? "an" : "a") \(rating) customer rating", "is rated \(rating) by its customers"])
    }

    static func csv(_ rows: [[String]], officialTestLayout: Bool) -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        // Writing to memory cannot fail.
        let writer = try! CSVWriter(stream: stream, newline: officialTestLayout ? .lf : .crlf)
        let quoteAll: (Int) -> Bool = { _ in officialTestLayout }
        try! writer.write(row: ["mr", "ref"], quotedAtIndex: quoteAll)
        for row in rows { try! writer.write(row: row, quotedAtIndex: quoteAll) }
        writer.stream.close()
        var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        data.append(contentsOf: (officialTestLayout ? "\n" : "\r\n").utf8)
        return data
    }
}
