import Foundation

/// A small invented knowledge graph (countries, regions, cities, airports, people, dishes; every fact fixed once
/// per seed so that entries never contradict each other) and entries of one to four connected triples, each
/// verbalised two or three ways, written as WebNLG v3.0 XML.
enum WebNLGSynthesizer {
    struct Fact: Hashable { var subject: String, property: String, object: String }

    /// How a property reads: whole sentences, and verb phrases that aggregate with others of the same subject.
    static let phrasings: [String: (sentences: [String], phrases: [String])] = [
        "cityServed": (["{s} serves the city of {o}.", "The city of {o} is served by {s}."], ["serves the city of {o}", "serves {o}"]),
        "location": (["{s} is located in {o}.", "{s} is in {o}."], ["is located in {o}", "lies in {o}"]),
        "runwayLength": (["The runway of {s} is {o} metres long.", "{s} has a runway length of {o}."], ["has a runway length of {o}", "has a {o} metre runway"]),
        "elevationAboveTheSeaLevel": (["{s} is {o} metres above sea level.", "{s} has an elevation of {o} metres."], ["is {o} metres above sea level", "has an elevation of {o} metres"]),
        "operatingOrganisation": (["{s} is operated by {o}.", "{o} operates {s}."], ["is operated by {o}", "is run by {o}"]),
        "country": (["{s} is in {o}.", "{s} is located in the country of {o}."], ["is in {o}", "belongs to {o}"]),
        "isPartOf": (["{s} is part of {o}.", "{s} lies within {o}."], ["is part of {o}", "lies within {o}"]),
        "populationTotal": (["{s} has a population of {o}.", "The population of {s} is {o}."], ["has a population of {o}", "is home to {o} people"]),
        "leader": (["The leader of {s} is {o}.", "{o} leads {s}."], ["is led by {o}", "has {o} as its leader"]),
        "birthPlace": (["{s} was born in {o}.", "{s}'s birthplace is {o}."], ["was born in {o}", "comes from {o}"]),
        "occupation": (["{s} works as {o}.", "{s} is {o} by profession."], ["works as {o}", "is {o} by profession"]),
        "almaMater": (["{s} studied at {o}.", "{s} is an alumnus of {o}."], ["studied at {o}", "graduated from {o}"]),
        "birthYear": (["{s} was born in {o}.", "{s}'s year of birth is {o}."], ["was born in {o}", "was born in the year {o}"]),
        "mainIngredient": (["The main ingredient of {s} is {o}.", "{s} is made mainly from {o}."], ["is made mainly from {o}", "has {o} as its main ingredient"]),
        "course": (["{s} is served as {o}.", "{s} is eaten as {o}."], ["is served as {o}", "is eaten as {o}"]),
        "region": (["{s} comes from the region of {o}.", "{s} is a dish of {o}."], ["comes from {o}", "is a speciality of {o}"]),
    ]

    /// The graph: a fixed list of facts, grouped by subject, with each subject's category.
    struct World {
        var facts: [String: [Fact]] = [:]
        var category: [String: String] = [:]
        var subjects: [String] = []

        mutating func add(_ s: String, _ p: String, _ o: String, _ cat: String) {
            if facts[s] == nil { subjects.append(s); category[s] = cat }
            facts[s, default: []].append(Fact(subject: s, property: p, object: o))
        }
    }

    static func world(seed: UInt64) -> World {
        var random = SynthRandom(seed: seed, stream: "webnlg/world")
        var w = World()
        let countries = ["Valdoria", "Eskaria", "Norland", "Marrow_Isles"]
        var regions: [String: String] = [:]
        for (i, region) in ["Upper_Vale", "Coastal_March", "Redfern_County", "Highmoor", "Lakeshire", "Southreach", "Stonegate_Province", "Amberlands"].enumerated() {
            regions[region] = countries[i % countries.count]
            w.add(region, "country", countries[i % countries.count], "City")
        }
        let people = ["Mara_Ellison", "Tomas_Brecht", "Ilse_Varga", "Owen_Pryce", "Lucia_Monte", "Henrik_Dahl",
                      "Ada_Okafor", "Piotr_Lenz", "Sofia_Reyes", "Jonas_Keel", "Nadia_Farrow", "Emil_Sorensen"]
        let cities = ["Ardley", "Port_Carrow", "Kessington", "Wyndham", "Belford", "Oster", "Calloway", "Drummore",
                      "Fenwick", "Halberg", "Lindqvist", "Marisford"]
        let regionNames = regions.keys.sorted()
        for (i, city) in cities.enumerated() {
            let region = regionNames[i % regionNames.count]
            w.add(city, "isPartOf", region, "City")
            w.add(city, "country", regions[region]!, "City")
            w.add(city, "populationTotal", String(random.int(12...950) * 1000 + random.int(0...999)), "City")
            w.add(city, "leader", people[i], "City")
        }
        let operators = ["Valdorian_Airways_Authority", "Northern_Air_Group", "Civic_Aviation_Board", "Skyline_Ports"]
        for (i, airport) in ["Ardley_Regional_Airport", "Port_Carrow_International_Airport", "Kessington_Airfield", "Wyndham_Airport",
                             "Belford_City_Airport", "Oster_Field", "Calloway_International_Airport", "Drummore_Airport"].enumerated() {
            w.add(airport, "cityServed", cities[i], "Airport")
            w.add(airport, "location", regionNames[i % regionNames.count], "Airport")
            w.add(airport, "runwayLength", "\(random.int(12...40) * 100).0", "Airport")
            w.add(airport, "elevationAboveTheSeaLevel", String(random.int(2...480)), "Airport")
            w.add(airport, "operatingOrganisation", random.pick(operators), "Airport")
        }
        let jobs = ["an engineer", "a teacher", "a painter", "a physician", "an architect", "a journalist"]
        let universities = ["University_of_Ardley", "Kessington_College", "Royal_Institute_of_Valdoria"]
        for person in people {
            w.add(person, "birthPlace", random.pick(cities), "Person")
            w.add(person, "occupation", random.pick(jobs), "Person")
            w.add(person, "almaMater", random.pick(universities), "Person")
            w.add(person, "birthYear", String(random.int(1931...1995)), "Person")
        }
        let ingredients = ["lentils", "rice", "smoked fish", "barley", "goat cheese", "chestnuts", "beetroot"]
        let courses = ["a starter", "a main course", "a dessert", "a snack"]
        for dish in ["Carrow_Stew", "Highmoor_Pie", "Amber_Cake", "Fenwick_Dumplings", "Lakeshire_Soup", "Oster_Bread",
                     "Valdorian_Pilaf", "Marrow_Tart"] {
            w.add(dish, "mainIngredient", random.pick(ingredients), "Food")
            w.add(dish, "course", random.pick(courses), "Food")
            w.add(dish, "region", random.pick(regionNames), "Food")
        }
        return w
    }

    /// One to four facts: some of one subject, possibly followed along an object that has facts of its own.
    static func tripleSet(_ w: World, _ random: inout SynthRandom) -> [Fact] {
        let size = random.int(1...4)
        let subject = random.pick(w.subjects)
        var chosen = random.sample(w.facts[subject]!, random.int(1...min(size, w.facts[subject]!.count)))
        while chosen.count < size {
            let hops = chosen.compactMap { w.facts[$0.object] }.flatMap { $0 }.filter { !chosen.contains($0) }
            guard !hops.isEmpty else { break }
            chosen.append(random.pick(hops))
        }
        return chosen
    }

    static func readable(_ entity: String) -> String {
        if entity.hasSuffix(".0"), Double(entity) != nil { return String(entity.dropLast(2)) }
        return entity.replacingOccurrences(of: "_", with: " ")
    }

    static func realise(_ facts: [Fact], _ random: inout SynthRandom) -> String {
        var order: [String] = []
        var bySubject: [String: [Fact]] = [:]
        for f in facts {
            if bySubject[f.subject] == nil { order.append(f.subject) }
            bySubject[f.subject, default: []].append(f)
        }
        var sentences: [String] = []
        for subject in order {
            let group = bySubject[subject]!
            let s = readable(subject)
            if group.count > 1 && random.chance(0.6) {
                let phrases = group.map { random.pick(phrasings[$0.property]!.phrases).replacingOccurrences(of: "{o}", with: readable($0.object)) }
                let joined = phrases.count == 2 ? phrases.joined(separator: " and ")
                                                : phrases.dropLast().joined(separator: ", ") + " and " + phrases.last!
                sentences.append("\(s) \(joined).")
            } else {
                for f in group {
                    let template = random.pick(phrasings[f.property]!.sentences)
                    sentences.append(template.replacingOccurrences(of: "{s}", with: s).replacingOccurrences(of: "{o}", with: readable(f.object)))
                }
            }
        }
        return sentences.joined(separator: " ")
    }

    static func file(split: String, count: Int, seed: UInt64) -> Data {
        let w = world(seed: seed)
        var random = SynthRandom(seed: seed, stream: "webnlg/\(split)")
        var seen = Set<String>()
        var xml = "<?xml version='1.0' encoding='utf-8'?>\n<benchmark>\n  <entries>\n"
        var written = 0
        var attempts = 0
        while written < count && attempts < TaskSynthesizer.maxAttempts(count) {
            attempts += 1
            let facts = tripleSet(w, &random)
            let key = facts.map { "\($0.subject)|\($0.property)|\($0.object)" }.sorted().joined(separator: "\n")
            guard TaskSynthesizer.split(of: key, seed: seed) == split, seen.insert(key).inserted else { continue }
            written += 1
            let subjects = Set(facts.map(\.subject))
            let shape = facts.count == 1 ? "NA" : subjects.count == 1 ? "sibling" : "chain"
            let category = w.category[facts[0].subject]!
            xml += "    <entry category=\"\(category)\" eid=\"Id\(written)\" shape_type=\"\(shape)\" size=\"\(facts.count)\">\n"
            xml += "      <originaltripleset>\n"
            for f in facts { xml += "        <otriple>\(escape("\(f.subject) | \(f.property) | \(f.object)"))</otriple>\n" }
            xml += "      </originaltripleset>\n      <modifiedtripleset>\n"
            for f in facts { xml += "        <mtriple>\(escape("\(f.subject) | \(f.property) | \(f.object)"))</mtriple>\n" }
            xml += "      </modifiedtripleset>\n"
            var lexes: [String] = []
            let wanted = split == "train" ? random.int(1...3) : 3
            for _ in 0..<(wanted * 4) where lexes.count < wanted {
                let text = realise(facts, &random)
                if !lexes.contains(text) { lexes.append(text) }
            }
            for (i, text) in lexes.enumerated() {
                xml += "      <lex comment=\"good\" lang=\"en\" lid=\"Id\(i + 1)\">\(escape(text))</lex>\n"
            }
            xml += "    </entry>\n"
        }
        xml += "  </entries>\n</benchmark>\n"
        return Data(xml.utf8)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
