import Foundation

/// Short stories of two kinds (a child and a pet; a family trip) with five to eight conversational questions in
/// story order, using pronouns for what was said before. Every answer is free text with a rationale span that
/// lies in the story; validation and test stories carry three additional answers per turn, as the official dev
/// file does. Written in the official JSON layout.
enum CoQASynthesizer {
    struct Turn { var question: String; var answers: [String]; var rationale: String? }

    struct Story {
        var source: String
        var text: String
        var turns: [Turn]
    }

    static let girls = ["Lily", "Nora", "Hana", "Zoe", "Amara", "Clara", "Ines", "Mei"]
    static let boys = ["Finn", "Omar", "Theo", "Kai", "Mateo", "Arlo", "Ivan", "Ben"]
    static let towns = ["Millbrook", "Ashford", "Pine Hollow", "Clearwater", "Redstone", "Willow Bend"]

    static func childAndPet(_ r: inout SynthRandom) -> Story {
        let girl = r.chance(0.5)
        let name = r.pick(girl ? girls : boys)
        let he = girl ? "she" : "he", his = girl ? "her" : "his", kind = girl ? "girl" : "boy"
        let age = r.int(6...11), town = r.pick(towns)
        let pet = r.pick(["dog", "cat", "rabbit", "parrot", "turtle"]), petName = r.pick(["Biscuit", "Pepper", "Mochi", "Rusty", "Luna", "Pickles"])
        let place = r.pick(["park", "beach", "library garden", "old bridge", "pond"])
        let activity = r.pick(["play with a red ball", "watch the ducks", "look for shells", "read stories", "fly a kite"])
        let friend = r.pick((girl ? boys : girls).filter { $0 != name })
        let color = r.pick(["blue", "yellow", "green", "orange", "purple"]), object = r.pick(["box", "bag", "umbrella", "basket"])
        let relative = r.pick(["grandmother", "uncle", "aunt", "grandfather"]), food = r.pick(["pancakes", "soup", "pasta", "fish pie"])
        let parent = r.pick(["mother", "father"])
        let s1 = "\(name) was \(age == 8 || age == 11 ? "an" : "a") \(age)-year-old \(kind) who lived in \(town)."
        let s2 = "\(he.capitalized) had a \(pet) named \(petName)."
        let s3 = "Every Saturday, \(name) and \(petName) went to the \(place) to \(activity)."
        let s4 = "One Saturday, they met \(friend), who was carrying a \(color) \(object)."
        let s5 = "\(friend) said the \(object) was a present from a \(relative)."
        let s6 = "When \(name) got home, \(his) \(parent) made \(food) for dinner."
        let text = [s1, s2, s3, s4, s5, s6].joined(separator: " ")
        var turns = [
            Turn(question: "Who is the story about?", answers: [name, "\(name)", "a \(kind) named \(name)", name], rationale: s1),
            Turn(question: "How old was \(he)?", answers: ["\(age)", "\(age) years old", "\(age)", "\(age)-year-old"], rationale: "\(age)-year-old"),
            Turn(question: "Where did \(he) live?", answers: ["in \(town)", town, "\(town)", "in \(town)"], rationale: "lived in \(town)"),
            Turn(question: "Did \(he) have a pet?", answers: ["yes", "yes", "Yes", "yes, a \(pet)"], rationale: "had a \(pet)"),
            Turn(question: "What kind?", answers: ["a \(pet)", pet, "a \(pet)", pet], rationale: "a \(pet)"),
            Turn(question: "What was its name?", answers: [petName, petName, petName, "\(petName)"], rationale: "named \(petName)"),
            Turn(question: "Where did they go every Saturday?", answers: ["to the \(place)", "the \(place)", place, "to the \(place)"], rationale: "went to the \(place)"),
            Turn(question: "Why?", answers: ["to \(activity)", activity, "to \(activity)", activity], rationale: "to \(activity)"),
            Turn(question: "Who did they meet?", answers: [friend, friend, "\(friend)", friend], rationale: "they met \(friend)"),
            Turn(question: "What was \(girl ? "he" : "she") carrying?", answers: ["a \(color) \(object)", "a \(color) \(object)", "\(color) \(object)", "a \(object)"], rationale: "carrying a \(color) \(object)"),
            Turn(question: "Who was it from?", answers: ["a \(relative)", relative, "a \(relative)", "from a \(relative)"], rationale: "a present from a \(relative)"),
            Turn(question: "What did \(name)'s \(parent) make for dinner?", answers: [food, food, "\(food)", food], rationale: "made \(food) for dinner"),
            Turn(question: "Did \(friend) have a pet?", answers: ["unknown", "unknown", "unknown", "unknown"], rationale: nil),
        ]
        trim(&turns, &r)
        return Story(source: "children_stories", text: text, turns: turns)
    }

    static func familyTrip(_ r: inout SynthRandom) -> Story {
        let girl = r.chance(0.5)
        let name = r.pick(girl ? girls : boys)
        let he = girl ? "she" : "he", his = girl ? "her" : "his"
        let city = r.pick(["Lisbon", "Kyoto", "Oslo", "Cairo", "Quebec City", "Valparaíso"])
        let relative = r.pick(["aunt", "older brother", "grandparents", "cousin"]), transport = r.pick(["train", "ferry", "bus", "plane"])
        let hours = r.int(2...14), landmark = r.pick(["old lighthouse", "castle", "botanical garden", "science museum", "market hall"])
        let year = r.int(1650...1950), souvenir = r.pick(["postcard", "wooden whistle", "painted cup", "tiny map"])
        let weather = r.pick(["rainy", "sunny", "windy", "snowy"]), days = r.int(2...9)
        let s1 = "Last summer, \(name) went to \(city) with \(his) \(relative)."
        let s2 = "They travelled by \(transport), and the journey took \(hours) hours."
        let s3 = "The weather was \(weather) for most of the \(days) days they stayed."
        let s4 = "Their favourite place was the \(landmark), which was built in \(year)."
        let s5 = "Before going home, \(name) bought a \(souvenir) for \(his) best friend."
        let text = [s1, s2, s3, s4, s5].joined(separator: " ")
        var turns = [
            Turn(question: "Where did \(name) go last summer?", answers: [city, "to \(city)", city, city], rationale: "went to \(city)"),
            Turn(question: "Who went with \(girl ? "her" : "him")?", answers: ["\(his) \(relative)", relative, "\(his) \(relative)", relative], rationale: "with \(his) \(relative)"),
            Turn(question: "How did they travel?", answers: ["by \(transport)", "by \(transport)", transport, "\(transport)"], rationale: "travelled by \(transport)"),
            Turn(question: "How long was the journey?", answers: ["\(hours) hours", "\(hours) hours", "\(hours)", "\(hours) hours"], rationale: "took \(hours) hours"),
            Turn(question: "What was the weather like?", answers: [weather, weather, "\(weather)", "mostly \(weather)"], rationale: "The weather was \(weather)"),
            Turn(question: "How many days did they stay?", answers: ["\(days)", "\(days) days", "\(days)", "\(days) days"], rationale: "\(days) days they stayed"),
            Turn(question: "What was their favourite place?", answers: ["the \(landmark)", landmark, "the \(landmark)", landmark], rationale: "favourite place was the \(landmark)"),
            Turn(question: "When was it built?", answers: ["in \(year)", "\(year)", "\(year)", "in \(year)"], rationale: "built in \(year)"),
            Turn(question: "What did \(he) buy?", answers: ["a \(souvenir)", souvenir, "a \(souvenir)", souvenir], rationale: "bought a \(souvenir)"),
            Turn(question: "Who was it for?", answers: ["\(his) best friend", "best friend", "\(his) best friend", "\(his) friend"], rationale: "for \(his) best friend"),
            Turn(question: "How much did it cost?", answers: ["unknown", "unknown", "unknown", "unknown"], rationale: nil),
        ]
        trim(&turns, &r)
        return Story(source: "travel_stories", text: text, turns: turns)
    }

    /// Five to eight turns in story order; the questions that lean on the previous turn keep it.
    static func trim(_ turns: inout [Turn], _ r: inout SynthRandom) {
        let dependent: Set<String> = ["What kind?", "What was its name?", "Why?", "Who was it from?", "When was it built?", "Who was it for?"]
        // The first question introduces the story's subject; later ones may refer back to it.
        var keep = Set([0] + r.sample(Array(turns.indices.dropFirst()), r.int(4...min(7, turns.count - 1))))
        for i in keep.sorted() where dependent.contains(turns[i].question) && i > 0 { keep.insert(i - 1) }
        turns = turns.indices.filter { keep.contains($0) }.map { turns[$0] }
    }

    struct FileLayout: Encodable {
        var version = "1.0"
        var data: [Record]
    }

    struct Record: Encodable {
        var source: String, id: String, filename: String, story: String, name: String
        var questions: [Question]
        var answers: [Answer]
        var additional_answers: [String: [Answer]]?
    }

    struct Question: Encodable { var input_text: String; var turn_id: Int }
    struct Answer: Encodable { var span_start: Int; var span_end: Int; var span_text: String; var input_text: String; var turn_id: Int }

    static func file(split: String, count: Int, seed: UInt64) -> Data {
        var r = SynthRandom(seed: seed, stream: "coqa/\(split)")
        var records: [Record] = []
        var seen = Set<String>()
        var attempts = 0
        while records.count < count && attempts < TaskSynthesizer.maxAttempts(count) {
            attempts += 1
            let story = r.chance(0.5) ? childAndPet(&r) : familyTrip(&r)
            guard TaskSynthesizer.split(of: story.text, seed: seed) == split, seen.insert(story.text).inserted else { continue }
            let id = String(format: "synth%05d", records.count + 1)
            func answer(_ t: Int, _ text: String) -> Answer {
                let turn = story.turns[t]
                guard let rationale = turn.rationale, let range = story.text.range(of: rationale) else {
                    return Answer(span_start: -1, span_end: -1, span_text: "unknown", input_text: text, turn_id: t + 1)
                }
                // Offsets count Unicode scalars, as Python indexes the official files' strings.
                let start = story.text.unicodeScalars.distance(from: story.text.startIndex, to: range.lowerBound)
                return Answer(span_start: start, span_end: start + rationale.unicodeScalars.count, span_text: rationale,
                              input_text: text, turn_id: t + 1)
            }
            let main = story.turns.indices.map { answer($0, story.turns[$0].answers[0]) }
            var additional: [String: [Answer]]?
            if split != "train" {
                additional = [:]
                for k in 0..<3 { additional!["\(k)"] = story.turns.indices.map { answer($0, story.turns[$0].answers[k + 1]) } }
            }
            records.append(Record(
                source: story.source, id: id, filename: "\(story.source)/\(id).txt", story: story.text, name: "\(id).txt",
                questions: story.turns.indices.map { Question(input_text: story.turns[$0].question, turn_id: $0 + 1) },
                answers: main, additional_answers: additional))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        var data = try! encoder.encode(FileLayout(data: records))
        data.append(0x0A)
        return data
    }
}
