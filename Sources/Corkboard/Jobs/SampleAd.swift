/// Hand-written sample ads the seeder cycles through.
struct SampleAd {
    var category: String
    var title: String
    /// In US cents; the seeder scales it to each city's currency (`Seeder.cities`).
    var price: Int64
    var description: String

    static let all: [SampleAd] = [
        SampleAd(category: "furniture", title: "Solid oak dining table, seats six", price: 18_000,
                 description: "Sturdy oak table, 180 × 90 cm. A few light scratches on one corner, otherwise in great shape.\n\nYou pick it up; it comes apart into the top and two trestles, so it fits in a hatchback."),
        SampleAd(category: "electronics", title: "27\" 4K monitor with stand", price: 22_000,
                 description: "Used for two years in a home office. No dead pixels, original box and cables included.\n\nHappy to show it working before you pay."),
        SampleAd(category: "bikes", title: "Commuter bike, 54 cm frame, new tyres", price: 26_000,
                 description: "Eight-speed hub, dynamo lights, rack and fenders. New tyres and chain last month.\n\nGreat for the daily ride; I am moving and cannot take it."),
        SampleAd(category: "free", title: "Free moving boxes, about 30", price: 0,
                 description: "Sturdy boxes in three sizes, flattened and dry. Some packing paper too.\n\nFirst come, first served; they are by the front door."),
        SampleAd(category: "music", title: "Upright piano, tuned last spring", price: 45_000,
                 description: "Lovely warm tone, all keys working. You arrange movers; ground floor, two steps at the entrance."),
        SampleAd(category: "clothes", title: "Winter coat, wool, size M", price: 6_000,
                 description: "Dark grey wool coat, worn one season. Dry-cleaned and ready to wear."),
        SampleAd(category: "services", title: "Handyman: shelves, doors, small repairs", price: 3_500,
                 description: "Hourly rate. I bring my own tools and clean up after.\n\nEvenings and weekends; send a message with what needs doing."),
        SampleAd(category: "housing", title: "Sunny room in a shared flat, available now", price: 65_000,
                 description: "Bright room with a big window, furnished. Shared kitchen and bathroom with two quiet flatmates.\n\nMonthly rent, bills included. Close to the metro."),
        SampleAd(category: "cars", title: "Compact hatchback, one owner, full service history", price: 720_000,
                 description: "Manual gearbox, air conditioning, new brakes. Never smoked in.\n\nTest drive welcome; papers in order."),
        SampleAd(category: "jobs", title: "Part-time barista, weekend mornings", price: 1_400,
                 description: "Small neighbourhood café looking for a friendly barista for Saturday and Sunday mornings.\n\nExperience with espresso machines is a plus; we train the rest. Hourly pay plus tips."),
        SampleAd(category: "electronics", title: "PS5 with two controllers", price: 35_000,
                 description: "Disc edition, works perfectly. Two controllers and the charging stand.\n\nSelling because I never have time to play."),
        SampleAd(category: "furniture", title: "Three-seat sofa, grey fabric", price: 15_000,
                 description: "Comfortable and clean, no pets, no smoking. Removable covers.\n\nHelp carrying it down is appreciated."),
    ]
}
