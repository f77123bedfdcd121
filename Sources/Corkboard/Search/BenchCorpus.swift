import Foundation

/// Synthetic posts for the search benchmark, written as tab-separated files for
/// `LOAD DATA LOCAL INFILE` (minutes for a million posts, where row-by-row inserts take hours).
/// Words follow a Zipf distribution (a few very common words, a long tail of rare ones), as in
/// real ads; the index rows come from `SearchIndex.Entry`, exactly what the site would write.
public struct BenchCorpus {
    /// One city to fill.
    public struct City: Sendable {
        public var id: Int64
        public var posts: Int
        public var korean: Bool
        public var neighbourhoods: [Int64]

        public init(id: Int64, posts: Int, korean: Bool, neighbourhoods: [Int64]) {
            self.id = id
            self.posts = posts
            self.korean = korean
            self.neighbourhoods = neighbourhoods
        }
    }

    /// Common ad words, most frequent first; the benchmark's "common word" is the first.
    public static let commonWords: [String] = """
        good condition new used great works price pick up excellent perfect size like very only \
        sale offer cash local clean one two three home original box included barely light black white \
        small large old vintage modern wood metal working must sell today best quality brand owner \
        moving free delivery available week weekend call text email please serious buyers firm open \
        city area near downtown north south east west room kitchen garden office table chair sofa bed \
        desk lamp shelf bike phone laptop camera guitar piano coat shoes jacket car truck parts repair \
        service job pay hour part time full fast easy nice fresh spare extra plus set pair kit
        """.split(separator: " ").map(String.init)

    public static let koreanWords: [String] = """
        중고 판매 새상품 팝니다 자전거 냉장고 세탁기 아이폰 노트북 책상 의자 소파 침대 전자레인지 \
        모니터 키보드 카메라 기타 피아노 운동화 가방 코트 자켓 유모차 텔레비전 에어컨 선풍기 청소기 \
        직거래 택배 가능 급처 상태 좋음 최상 깨끗 미개봉 정품 할인 무료 나눔 이사 원룸 투룸 월세 전세 \
        강남 홍대 신촌 잠실 구매 교환 문의 연락 주세요 합니다 있습니다 사용감 적음 박스 포함 충전기 \
        배터리 스마트폰 태블릿 게임 플레이스테이션 닌텐도 스위치 책 만화 옷 신발 시계 반지
        """.split(separator: " ").map(String.init)

    /// The benchmark's rare word: a tail word that occurs in a few dozen posts per million.
    public static var rareWord: String { tailWord(19_000) }

    let english: [String]
    let englishCDF: [Double]
    let koreanCDF: [Double]
    var rng: SeededGenerator

    public init(seed: UInt64 = 42, tailWords: Int = 20_000) {
        english = Self.commonWords + (0..<tailWords).map(Self.tailWord)
        englishCDF = Self.zipfCDF(english.count)
        koreanCDF = Self.zipfCDF(Self.koreanWords.count)
        rng = SeededGenerator(seed: seed)
    }

    /// A made-up but pronounceable word for tail rank `i` (distinct for every i).
    public static func tailWord(_ i: Int) -> String {
        let consonants = Array("bdfgklmnprstvz"), vowels = Array("aeiou")
        var n = i, out = ""
        repeat {
            out.append(consonants[n % consonants.count])
            n /= consonants.count
            out.append(vowels[n % vowels.count])
            n /= vowels.count
        } while n > 0
        return out + "x"
    }

    static func zipfCDF(_ n: Int) -> [Double] {
        var acc = 0.0
        var cdf = [Double](repeating: 0, count: n)
        for r in 0..<n {
            acc += 1.0 / Double(r + 1)
            cdf[r] = acc
        }
        return cdf.map { $0 / acc }
    }

    mutating func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    mutating func pick(_ words: [String], _ cdf: [Double]) -> String {
        let u = uniform()
        var lo = 0, hi = cdf.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return words[lo]
    }

    mutating func sentence(_ count: Int, korean: Bool) -> String {
        (0..<count).map { _ in korean ? pick(Self.koreanWords, koreanCDF) : pick(english, englishCDF) }.joined(separator: " ")
    }

    /// Writes posts.tsv, images.tsv, terms-NNN.tsv and docs.tsv into `dir` and returns the file names
    /// of the term chunks. Post ids start at `firstID`; times spread over the 7 days before `now`
    /// (minus a margin so a bench run of a few hours still sees them all).
    public mutating func write(to dir: String, cities: [City], userID: Int64, categories: [Int64],
                               firstID: Int64, now: Date) throws -> [String] {
        let posts = try TSVWriter(path: dir + "/posts.tsv")
        let images = try TSVWriter(path: dir + "/images.tsv")
        let docs = try TSVWriter(path: dir + "/docs.tsv")
        var termFiles: [String] = []
        var terms: TSVWriter?
        var termRows = 0
        var id = firstID
        let span = 7 * 86_400.0 - 6 * 3600.0
        for city in cities {
            for _ in 0..<city.posts {
                let created = now.addingTimeInterval(-uniform() * span - 60)
                let stamp = TSVWriter.datetime(created)
                let category = categories[Int(rng.next() % UInt64(categories.count))]
                let hood: Int64? = city.neighbourhoods.isEmpty || rng.next() % 8 == 0
                    ? nil : city.neighbourhoods[Int(rng.next() % UInt64(city.neighbourhoods.count))]
                let price: Int64? = rng.next() % 10 == 0 ? nil : Int64(exp(uniform() * 12) * 100) / 100 * 100
                let photos = rng.next() % 2 == 0
                let title = sentence(3 + Int(rng.next() % 4), korean: city.korean)
                let description = sentence(city.korean ? 8 + Int(rng.next() % 8) : 10 + Int(rng.next() % 16), korean: city.korean)
                let cap = title.prefix(1).uppercased() + title.dropFirst()
                posts.row([String(id), String(userID), String(city.id), hood.map(String.init) ?? "\\N", String(category),
                           cap, description + ".", price.map(String.init) ?? "\\N", stamp, stamp, photos ? "1" : "0"])
                if photos {
                    for position in 0..<(1 + Int(rng.next() % 3)) {
                        let a = String(format: "%016llx%016llx%016llx%016llx", id, position, rng.next(), rng.next())
                        let b = String(format: "%016llx%016llx%016llx%016llx", id, position + 16, rng.next(), rng.next())
                        images.row([String(id), String(position), a, b, "800", "600"])
                    }
                }
                let entry = SearchIndex.Entry(title: cap, description: description + ".")
                if terms == nil || termRows >= 1_000_000 {
                    try terms?.close()
                    let name = String(format: "terms-%03d.tsv", termFiles.count)
                    termFiles.append(name)
                    terms = try TSVWriter(path: dir + "/" + name)
                    termRows = 0
                }
                for (term, inTitle) in entry.terms {
                    terms!.row([String(city.id), String(SearchText.hash(term)), stamp, String(id), inTitle ? "1" : "0",
                                String(category), hood.map(String.init) ?? "\\N", price.map(String.init) ?? "\\N", photos ? "1" : "0"])
                    termRows += 1
                }
                docs.row([String(id), String(city.id), stamp, entry.titleNorm, entry.textNorm])
                id += 1
            }
        }
        try terms?.close()
        for file in [posts, images, docs] { try file.close() }
        return termFiles
    }
}
