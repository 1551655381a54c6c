// The word lists of Crest's English-like text generator. They were written for Crest; no corpus
// was copied. Each list is long enough that a bin of prompts rarely repeats a sentence.

extension SyntheticText {
    static let placeStarts = [
        "Ash", "Bel", "Brin", "Cal", "Cor", "Dun", "Elm", "Fair", "Glen", "Hal", "Hol", "Kes", "Lan", "Mar",
        "Mil", "Nor", "Oak", "Pen", "Red", "Ros", "Sal", "Stan", "Thorn", "Wes", "Wil", "Yar",
    ]
    static let placeEnds = [
        "bridge", "brook", "bury", "by", "combe", "dale", "field", "ford", "gate", "ham", "haven", "hurst",
        "ley", "mere", "mouth", "port", "stead", "stow", "ton", "wick", "worth",
    ]
    static let givenNames = [
        "Ada", "Alba", "Bram", "Clara", "Dorian", "Edith", "Elias", "Flora", "Gideon", "Hana", "Ilse", "Jonas",
        "Kira", "Lena", "Milo", "Nadia", "Otto", "Petra", "Quentin", "Rosa", "Silas", "Tilde", "Ulric", "Vera",
        "Wren", "Yusuf", "Zora",
    ]
    static let familyNames = [
        "Abbot", "Barlow", "Carver", "Delacroix", "Ellery", "Fenwick", "Garrow", "Hartley", "Ingram", "Jessop",
        "Kellner", "Lindqvist", "Marsh", "Novak", "Orme", "Pardoe", "Quayle", "Rivers", "Sorensen", "Thackeray",
        "Underhill", "Vance", "Whitlock", "Yardley",
    ]
    static let institutions = [
        "harbour board", "river trust", "town council", "weaving guild", "railway company", "observatory",
        "lending library", "grain cooperative", "teachers' college", "salt works", "botanical society",
        "shipping office", "water authority", "printing house", "county archive", "mountain rescue team",
    ]
    static let nouns = [
        "bridge", "canal", "census", "charter", "clock tower", "dam", "ferry", "festival", "flood", "garden",
        "granary", "harvest", "lighthouse", "ledger", "market", "mill", "orchard", "pipeline", "quarry",
        "reservoir", "school", "survey", "telegraph line", "timber yard", "tramway", "treaty", "vineyard",
        "warehouse", "well", "workshop", "map", "museum", "hospital", "lock", "pier", "station", "foundry",
        "almanac", "expedition", "inquiry", "budget", "election", "strike", "fire", "drought", "exhibition",
    ]
    static let adjectives = [
        "ancient", "busy", "careful", "cold", "costly", "crowded", "damp", "distant", "early", "famous",
        "fragile", "generous", "gentle", "hidden", "humble", "late", "lively", "modest", "narrow", "new",
        "northern", "old", "patient", "quiet", "rapid", "remote", "rough", "rural", "scarce", "sheltered",
        "southern", "steady", "steep", "sturdy", "sudden", "tall", "temporary", "unusual", "wide", "windy",
    ]
    static let pastVerbs = [
        "built", "repaired", "moved", "measured", "recorded", "opened", "closed", "funded", "expanded",
        "replaced", "inspected", "designed", "restored", "abandoned", "surveyed", "mapped", "protected",
        "rebuilt", "sold", "bought", "painted", "extended", "studied", "described", "organised", "planned",
        "delayed", "approved", "rejected", "completed",
    ]
    static let adverbs = [
        "slowly", "quickly", "carefully", "quietly", "eventually", "reluctantly", "proudly", "briefly",
        "formally", "partly", "largely", "openly", "firmly", "gradually", "promptly",
    ]
    static let connectives = [
        "However,", "Later,", "In the same year,", "By contrast,", "As a result,", "Soon afterwards,",
        "At first,", "According to the minutes,", "For a while,", "In the following spring,", "Meanwhile,",
        "Before long,", "Even so,", "Within a decade,",
    ]
    static let reasons = [
        "because the river had changed its course", "after a long dispute over the cost",
        "so that barges could pass in winter", "to settle a quarrel between two families",
        "when the old one was judged unsafe", "because the harvest had failed twice",
        "to attract visitors from the coast", "after the railway reached the valley",
        "because the records had been lost in a fire", "so that children could cross safely",
        "when the price of coal fell sharply", "to replace a wooden structure",
    ]
    static let quantities = [
        "two hundred", "three thousand", "forty", "nineteen", "six hundred", "eighty", "twelve", "a dozen",
        "several hundred", "nearly a thousand", "fifty-five", "seventy",
    ]
    static let units = [
        "workers", "families", "tonnes of stone", "pages", "visitors", "metres", "pounds", "cartloads of timber",
        "volunteers", "crates", "apprentices", "lamps",
    ]
}
