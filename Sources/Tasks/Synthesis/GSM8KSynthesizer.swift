import Foundation

/// Grade-school word problems of a few kinds (buying and giving away, wages, change, fractions, distances,
/// sharing, ages, temperatures), two to three steps each, with GSM8K's calculator annotations
/// (`3 * 4 = <<3*4=12>>12`) and a final `#### N` line — sometimes negative, sometimes with thousands commas,
/// as the official answers are. Written as JSON Lines with the official `question` and `answer` keys.
enum GSM8KSynthesizer {
    struct Person { var name: String, subject: String, possessive: String }
    static let people = [
        Person(name: "Maya", subject: "She", possessive: "her"), Person(name: "Leo", subject: "He", possessive: "his"),
        Person(name: "Aisha", subject: "She", possessive: "her"), Person(name: "Tomas", subject: "He", possessive: "his"),
        Person(name: "Grace", subject: "She", possessive: "her"), Person(name: "Ravi", subject: "He", possessive: "his"),
        Person(name: "Elena", subject: "She", possessive: "her"), Person(name: "Sam", subject: "He", possessive: "his"),
    ]

    /// One reasoning step: `text` holds `{}` where the annotated result goes.
    struct Step { var text: String; var expression: String; var result: Int }

    static func step(_ text: String, _ expression: String, _ result: Int) -> Step { Step(text: text, expression: expression, result: result) }

    static func problem(_ random: inout SynthRandom) -> (question: String, steps: [Step]) {
        let p = random.pick(people)
        let s = p.subject, ps = p.possessive, o = s == "She" ? "her" : "him"
        switch random.below(8) {
        case 0:
            let item = random.pick(["apples", "stickers", "marbles", "pencils", "eggs"])
            let a = random.int(3...40), b = random.int(2...9), c = random.int(2...12)
            let bought = b * c, total = a + bought, d = random.int(1...total - 1)
            return ("\(p.name) has \(a) \(item). \(s) buys \(b) packs with \(c) \(item) in each pack. Then \(s.lowercased()) gives away \(d) \(item). How many \(item) does \(p.name) have now?",
                    [step("\(s) buys \(b) * \(c) = {} \(item).", "\(b)*\(c)", bought),
                     step("Then \(s.lowercased()) has \(a) + \(bought) = {} \(item).", "\(a)+\(bought)", total),
                     step("After giving \(d) away, \(s.lowercased()) has \(total) - \(d) = {} \(item).", "\(total)-\(d)", total - d)])
        case 1:
            let a = random.int(9...45), b = random.int(3...10), c = random.int(2...30)
            return ("\(p.name) earns $\(a) an hour and works \(b) hours a day. How much does \(s.lowercased()) earn in \(c) days?",
                    [step("In one day \(s.lowercased()) earns \(a) * \(b) = ${}.", "\(a)*\(b)", a * b),
                     step("In \(c) days \(s.lowercased()) earns \(a * b) * \(c) = ${}.", "\(a * b)*\(c)", a * b * c)])
        case 2:
            let a = random.int(2...8), b = random.int(2...9), c = random.int(2...6), d = random.int(1...5)
            let notebooks = a * b, pens = c * d, total = notebooks + pens
            let bill = [20, 50, 100].first { $0 > total } ?? 200
            return ("\(p.name) buys \(a) notebooks at $\(b) each and \(c) pens at $\(d) each. \(s) pays with a $\(bill) bill. How much change does \(s.lowercased()) get?",
                    [step("The notebooks cost \(a) * \(b) = ${}.", "\(a)*\(b)", notebooks),
                     step("The pens cost \(c) * \(d) = ${}.", "\(c)*\(d)", pens),
                     step("Together they cost \(notebooks) + \(pens) = ${}.", "\(notebooks)+\(pens)", total),
                     step("The change is \(bill) - \(total) = ${}.", "\(bill)-\(total)", bill - total)])
        case 3:
            let parts = random.pick([2, 3, 4, 5]), share = random.int(1...parts - 1)
            let animals = parts * random.int(4...60)
            let cows = animals / parts * share
            let fraction = share == 1 ? "1/\(parts)" : "\(share)/\(parts)"
            return ("A farm has \(animals) animals. \(fraction) of them are cows and the rest are sheep. How many sheep are on the farm?",
                    [step("There are \(animals) * \(share) / \(parts) = {} cows.", "\(animals)*\(share)/\(parts)", cows),
                     step("So there are \(animals) - \(cows) = {} sheep.", "\(animals)-\(cows)", animals - cows)])
        case 4:
            let a = random.int(40...120), b = random.int(2...6), c = random.int(30...90), d = random.int(1...5)
            return ("A train travels at \(a) km per hour for \(b) hours, then at \(c) km per hour for \(d) hours. How many kilometres does it travel in total?",
                    [step("First it travels \(a) * \(b) = {} km.", "\(a)*\(b)", a * b),
                     step("Then it travels \(c) * \(d) = {} km.", "\(c)*\(d)", c * d),
                     step("In total it travels \(a * b) + \(c * d) = {} km.", "\(a * b)+\(c * d)", a * b + c * d)])
        case 5:
            let friends = random.int(2...8), each = random.int(2...12), kept = random.int(1...10)
            let baked = friends * each + kept
            return ("\(p.name) bakes \(baked) cookies. \(s) keeps \(kept) for \(o)self and shares the rest equally among \(friends) friends. How many cookies does each friend get?",
                    [step("\(s) shares \(baked) - \(kept) = {} cookies.", "\(baked)-\(kept)", baked - kept),
                     step("Each friend gets \(baked - kept) / \(friends) = {} cookies.", "\(baked - kept)/\(friends)", each)])
        case 6:
            let age = random.int(4...15), older = random.int(2...9), factor = random.int(2...4)
            let brother = age + older
            return ("\(p.name) is \(age) years old. \(ps.capitalized) brother is \(older) years older than \(o). Their grandmother is \(factor) times as old as the brother. How old is the grandmother?",
                    [step("The brother is \(age) + \(older) = {} years old.", "\(age)+\(older)", brother),
                     step("The grandmother is \(brother) * \(factor) = {} years old.", "\(brother)*\(factor)", brother * factor)])
        default:
            let morning = random.int(-5...12), drop = random.int(3...20), rise = random.int(1...6)
            let night = morning - drop
            return ("The temperature was \(morning) degrees in the morning. By night it had fallen by \(drop) degrees, and by the next morning it rose by \(rise) degrees. What was the temperature the next morning?",
                    [step("At night it was \(morning) - \(drop) = {} degrees.", "\(morning)-\(drop)", night),
                     step("The next morning it was \(night) + \(rise) = {} degrees.", "\(night)+\(rise)", night + rise)])
        }
    }

    static func thousands(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func answer(_ steps: [Step], _ random: inout SynthRandom) -> String {
        var lines = steps.map { $0.text.replacingOccurrences(of: "{}", with: "<<\($0.expression)=\($0.result)>>\($0.result)") }
        let final = steps.last!.result
        lines.append("#### " + (abs(final) >= 1000 && random.chance(0.5) ? thousands(final) : String(final)))
        return lines.joined(separator: "\n")
    }

    static func file(split: String, count: Int, seed: UInt64) -> Data {
        var random = SynthRandom(seed: seed, stream: "gsm8k/\(split)")
        var seen = Set<String>()
        var out = Data()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var attempts = 0
        while seen.count < count && attempts < TaskSynthesizer.maxAttempts(count) {
            attempts += 1
            let (question, steps) = problem(&random)
            guard TaskSynthesizer.split(of: question, seed: seed) == split, seen.insert(question).inserted else { continue }
            // Encoding a dictionary of strings cannot fail.
            out.append(try! encoder.encode(["question": question, "answer": answer(steps, &random)]))
            out.append(0x0A)
        }
        return out
    }
}
