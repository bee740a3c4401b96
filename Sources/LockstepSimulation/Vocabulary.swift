import LockstepCore

/// Word lists for names, places and posts. All names, outlets and officials are fictional.
enum Vocabulary {
    static let firstEN = ["James", "Mary", "John", "Linda", "Michael", "Sarah", "David", "Emma", "Chris", "Olivia", "Daniel",
                          "Sophie", "Mark", "Laura", "Paul", "Anna", "Tom", "Kate", "Ben", "Lucy", "Sam", "Grace", "Alex",
                          "Chloe", "Ryan", "Mia", "Kevin", "Zoe", "Jason", "Amy", "Raj", "Priya", "Ahmed", "Fatima", "Kenji",
                          "Yuki", "Lukas", "Marie", "Pierre", "Julia"]
    static let lastEN = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson", "Roberts",
                         "Walker", "Wright", "Green", "Hall", "Wood", "Clarke", "Hughes", "Lewis", "Lee", "Patel", "Khan",
                         "Singh", "Tanaka", "Sato", "Müller", "Schmidt", "Martin", "Bernard", "Wong", "Chan", "Lin", "Chen"]
    static let surnameZH = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"]
    static let givenZH = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
                          "华", "慧", "建国", "晓东", "小红", "志强", "海燕", "文", "婷", "浩", "宇", "欣"]
    static let firstES = ["María", "José", "Carlos", "Lucía", "Javier", "Ana", "Diego", "Sofía", "Pablo", "Camila", "Andrés", "Valentina"]
    static let firstPT = ["João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Gabriel", "Larissa", "Rafael", "Fernanda"]
    static let lastES = ["García", "Rodríguez", "López", "Martínez", "Silva", "Santos", "Oliveira", "Souza", "Pérez", "Gómez", "Costa", "Ferreira"]
    static let firstID = ["Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Sri", "Fajar", "Ayu"]
    static let lastID = ["Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Kusuma", "Nugroho", "Lestari"]
    static let handleWords = ["real", "the", "its", "im", "daily", "just", "official", "mr", "ms", "dr", "team", "life", "vibes", "fan", "xo"]

    /// Organic time zones: offset hours, weight, places (empty strings: no location given).
    static let zones: [(offset: Double, weight: Double, places: [String], languages: [String])] = [
        (-8, 0.10, ["Los Angeles, CA", "San Francisco", "Seattle, WA", "Vancouver, BC", "", ""], ["en"]),
        (-5, 0.16, ["New York, NY", "Toronto", "Washington, DC", "Boston", "Chicago, IL", "", ""], ["en", "en", "es"]),
        (-3, 0.05, ["São Paulo, Brasil", "Buenos Aires", "Rio de Janeiro", ""], ["pt", "es"]),
        (0, 0.11, ["London, England", "Manchester", "Dublin", "Lisbon", "", ""], ["en", "en-gb"]),
        (1, 0.11, ["Berlin", "Paris, France", "Madrid", "Amsterdam", "Lagos", "", ""], ["de", "fr", "es", "en"]),
        (3, 0.04, ["Moscow", "Istanbul", "Nairobi", ""], ["ru", "tr", "en"]),
        (5.5, 0.06, ["Mumbai", "New Delhi", "Bangalore", ""], ["en"]),
        (7, 0.04, ["Jakarta", "Bangkok", "Ho Chi Minh City", ""], ["id", "en"]),
        (8, 0.20, ["Hong Kong", "香港", "Taipei", "台北", "Taiwan", "Singapore", "Manila", "Kuala Lumpur", "Perth", "", ""],
         ["zh-tw", "zh-cn", "en", "zh-tw", "en"]),
        (9, 0.07, ["Tokyo", "東京", "Seoul", "Osaka", ""], ["ja", "ko", "en"]),
        (10, 0.06, ["Sydney, NSW", "Melbourne", "Brisbane", ""], ["en"]),
    ]

    static let descriptionsEN = ["Coffee first.", "Dad, runner, bad jokes.", "Opinions are my own.", "Journalism student.",
                                 "Photographer | traveller", "Football and food.", "Engineer. Tea drinker.", "Living one day at a time 🌿",
                                 "Teacher 📚", "Music is life", "Writing about tech and cities.", "He/him. Nurse.", "Bookworm.",
                                 "Retired and loving it.", "Small business owner", "PhD candidate, history", "爱生活，爱自由", "香港人",
                                 "台灣 | 攝影", "Views my own. RT ≠ endorsement."]
    static let descriptionsOp = ["热爱祖国", "Love peace", "关注时事", "Truth matters", "每天进步一点点", "Peace and love for all",
                                 "一个普通人", "Citizen of the world"]
    static let fakeLocations = ["United States", "New York, USA", "California, USA", "London", "Canada", "Australia", "香港", "北京"]

    // MARK: Post text

    static let chatterEN = [
        "Can't believe it's already", "Finally finished", "Anyone else watching", "Best coffee in town at", "So tired of",
        "Great day out with", "Just realised", "Still thinking about", "Nothing beats", "Why is it always", "Loving the new",
        "Happy birthday to", "Good morning from", "Stuck in traffic again near", "Cooking tonight:", "Rain again in",
    ]
    static let chatterObjectEN = [
        "the weekend", "my sister", "this album", "the game last night", "the new season", "my commute", "the office",
        "pizza night", "the beach", "my cat", "the neighbours", "this weather", "the final", "a long run", "the concert",
        "the library", "my exams", "the market", "the park",
    ]
    static let chatterEndEN = ["", "", "!", " 😂", " 🙌", " lol", "...", " honestly", " ❤️", " 🙄", " 😅", "!!"]
    static let chatterZH = ["今天天气真好", "周末去爬山了", "终于下班了", "这家店的奶茶太好喝", "又加班到很晚", "刚看完这部电影",
                            "早安", "晚安各位", "地铁上人好多", "考试终于结束了", "新的一周加油", "夜市走起", "好想去旅行"]
    static let chatterOther: [Language: [String]] = [
        .es: ["Qué día tan bonito", "No puedo más con el tráfico", "Buenos días a todos", "El partido de anoche fue increíble",
              "Hoy toca descansar", "Feliz cumpleaños hermano", "Que calor hace hoy", "Vamos con todo esta semana"],
        .pt: ["Bom dia gente", "Que jogo ontem", "Finalmente sexta-feira", "Saudade da praia", "Hoje tem churrasco",
              "Muito cansado hoje", "Feliz aniversário mãe", "Que chuva é essa"],
        .id: ["Selamat pagi semua", "Macet lagi hari ini", "Akhirnya libur juga", "Kangen rumah", "Makan siang dulu",
              "Semangat kerja hari ini", "Hujan terus dari pagi", "Nonton bola malam ini"],
        .ja: ["おはようございます", "今日も一日頑張ろう", "週末は雨らしい", "新しいカフェに行ってきた", "疲れた…"],
        .fr: ["Bonne journée à tous", "Encore des grèves", "Enfin le week-end", "Quel match hier soir"],
        .de: ["Guten Morgen zusammen", "Endlich Wochenende", "Was für ein Spiel", "Schon wieder Regen"],
        .tr: ["Günaydın herkese", "Bugün çok yorgunum", "Hafta sonu geldi", "Maç harikaydı"],
        .ru: ["Доброе утро", "Наконец пятница", "Опять дождь", "Отличный матч вчера"],
    ]
    static let newsEN = [
        "Big crowds again today in", "Latest update on the situation in", "Worth reading on", "Thread: what we know about",
        "Live coverage from", "Officials respond to questions about", "Analysis of the week in", "Photos from",
        "Strong words from lawmakers on", "What happens next for",
    ]
    static let newsObjectsBefore = ["Hong Kong", "the protests", "the extradition bill", "Admiralty", "Mong Kok", "the trade talks",
                                    "the elections", "Taiwan", "the universities"]
    static let newsObjectsAfter = ["the outbreak", "Wuhan", "the lockdown", "the vaccine trials", "hospitals", "the WHO briefing",
                                   "Hong Kong", "the border", "masks", "Taiwan"]
    static let newsZH = ["最新消息：", "现场直播：", "今日焦点：", "值得一读：", "深度分析：", "各方回应："]
    static let newsObjectsZH = ["香港局势", "立法会", "大学校园", "疫情进展", "武汉", "口罩供应", "台湾", "边境管控"]
    static let generalTags = ["music", "photography", "travel", "food", "football", "NBA", "weekend", "coffee", "MondayMotivation",
                              "art", "books", "fitness", "gaming", "nature", "love"]
    static let newsTagsBefore = ["HongKong", "HongKongProtests", "Taiwan", "TradeWar", "HK", "StandWithHongKong", "Election2019", "news"]
    static let newsTagsAfter = ["COVID19", "coronavirus", "Wuhan", "StayHome", "HongKong", "Taiwan", "WHO", "news"]
    static let newsDomains = ["bbc.com/news", "reuters.com/article", "nytimes.com/2019", "scmp.com/news", "theguardian.com/world",
                              "apnews.com", "hongkongfp.com", "rthk.hk/en/news", "focustaiwan.tw/politics", "nhk.or.jp/news",
                              "elpais.com/internacional", "cnn.com/world"]

    static let operationBeforeEN = [
        "Rioters are destroying Hong Kong, the police must restore order", "Who is paying the black-clad mobs?",
        "Hong Kong people want peace, not violence", "Foreign forces are behind the chaos in Hong Kong",
        "Support the police who protect Hong Kong", "Violence is not freedom", "The silent majority in Hong Kong wants stability",
        "Stop the violence, end the chaos", "Students are being used by radicals", "Hong Kong's economy suffers because of the riots",
    ]
    static let operationAfterEN = [
        "China bought the world time against the virus", "Where did the virus really come from? Ask the questions",
        "Wuhan's sacrifice protected everyone", "Some countries should learn from China's response",
        "Solidarity, not blame, will defeat the epidemic", "Politicising the virus helps no one",
        "China sent masks and doctors to friends in need", "The truth about the outbreak is being hidden by some media",
        "Stay strong Wuhan, stay strong China", "Western media spread lies about the epidemic",
    ]
    static let operationBeforeZH = [
        "暴徒破坏香港，必须止暴制乱", "支持香港警察依法执法", "香港需要和平不要暴力", "外部势力干预香港事务必须停止",
        "黑衣暴徒不代表香港人", "沉默的大多数希望香港恢复秩序", "学生被激进分子利用", "止暴制乱是香港当前最紧迫的任务",
        "香港经济被暴乱拖累", "乱港分子的真面目",
    ]
    static let operationAfterZH = [
        "中国为世界抗疫争取了时间", "武汉加油，中国加油", "病毒溯源应该尊重科学", "团结合作才能战胜疫情",
        "某些国家把疫情政治化", "中国向有需要的国家提供援助", "西方媒体散布关于疫情的谎言", "武汉人民的牺牲保护了世界",
        "抗疫需要团结而不是指责", "中国的抗疫经验值得借鉴",
    ]
    static let stateMediaHeadlines = [
        "Spokesperson: external interference must stop", "Live: press conference on the latest developments",
        "Economy shows steady growth", "Exclusive interview with health officials", "Aid shipment departs for partner countries",
        "Commentary: stability is the foundation of prosperity", "Photos: life returns to normal", "Fact check: misleading claims debunked",
        "Experts discuss global cooperation", "Video: front-line workers share their stories",
    ]
    static let diplomatLines = [
        "Had a productive meeting with friends from the region.", "Peace and development are the common aspiration of all.",
        "Some politicians should stop spreading rumours.", "Cooperation brings mutual benefit.", "Thank you for your support!",
        "Facts speak louder than words.", "We firmly oppose any interference in internal affairs.",
        "Delighted to attend the cultural festival today.", "Solidarity is the most powerful weapon.",
    ]
    static let genuine: [Language: [String]] = [
        .es: ["Hoy fue un gran día con la familia", "Alguien sabe dónde comprar entradas", "Mi equipo ganó otra vez",
              "Buenas noches a todos", "Empezando el gimnasio de nuevo", "Qué rico el almuerzo de hoy", "Escuchando música vieja"],
        .pt: ["Dia lindo na praia", "Alguém vai no show sábado?", "Meu time é o melhor", "Boa noite pessoal",
              "Voltando para a academia", "Almoço de domingo com a família", "Ouvindo umas músicas antigas"],
        .id: ["Hari yang menyenangkan bersama keluarga", "Ada yang tahu jual tiket di mana", "Tim kesayangan menang lagi",
              "Selamat malam semuanya", "Mulai olahraga lagi", "Makan siang enak hari ini", "Dengerin lagu lama"],
        .en: ["Great day with the family", "Anyone know where to get tickets", "My team won again", "Good night everyone",
              "Back to the gym", "Sunday lunch was amazing", "Listening to old songs"],
        .tr: ["Ailemle harika bir gün", "Bilet nereden alınır bilen var mı", "Takımım yine kazandı", "İyi geceler herkese"],
    ]
    static let variantSuffixes = ["", " 👍", " !!", "！", " 🇨🇳", " 💪", "。", " #China", " 加油", " ✊", " 😡", " 🙏", " ...", "!!!", " 💯", " ❤️"]
    static let stateMediaDomains = ["globaldispatch.cn", "eastwindnews.cn", "harmonydaily.cn", "silkroadradio.cn", "pacificherald.cn"]
    static let botDomains = ["dailybrief24.net", "newsflash-now.com", "worldreport.live", "topstory.press"]
    static let botLeads = ["BREAKING:", "Update:", "Must read:", "Top story:", "Now:", "Latest:"]

    // MARK: A second, Russian-language office and stealthy rewording

    static let firstRU = ["Алексей", "Ирина", "Дмитрий", "Ольга", "Сергей", "Наталья", "Андрей", "Елена", "Павел", "Татьяна",
                          "Михаил", "Анна", "Игорь", "Светлана", "Никита", "Мария"]
    static let firstRULatin = ["Aleksei", "Irina", "Dmitry", "Olga", "Sergei", "Natalia", "Andrei", "Elena", "Pavel", "Tatiana",
                               "Mikhail", "Anna", "Igor", "Svetlana", "Nikita", "Maria"]
    static let lastRU = ["Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова", "Морозов",
                         "Волкова"]
    static let lastRULatin = ["Ivanov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Lebedeva", "Kozlov", "Novikova", "Morozov",
                              "Volkova"]
    static let officeBeforeRU = [
        "В Гонконге идёт очередная цветная революция по западному сценарию", "Кто финансирует беспорядки в Гонконге? Ответ известен",
        "Запад снова раскачивает чужую страну", "Полиция Гонконга защищает порядок, а не режим",
        "Двойные стандарты: у себя протесты разгоняют, а в Гонконге поддерживают", "Гонконгские погромщики действуют по методичкам НКО",
        "Китай имеет право навести порядок у себя дома", "Западные СМИ молчат о насилии протестующих",
    ]
    static let officeAfterRU = [
        "Китай первым принял удар вируса и спас остальных", "Откуда на самом деле взялся вирус? Спросите о биолабораториях США",
        "Китай и Россия помогают Италии, а ЕС молчит", "Западные СМИ сеют панику вместо помощи",
        "Вместе против вируса: Китай делится опытом", "Обвинять Китай в пандемии выгодно только Вашингтону",
        "Китайские врачи уже в Европе, где же американские?", "Солидарность сильнее пропаганды",
    ]
    static let officeBeforeENru = [
        "Hong Kong is another colour revolution written in the West", "Who funds the Hong Kong riots? Follow the NGOs",
        "Western hypocrisy: protests are crushed at home and cheered abroad", "The Hong Kong police defend order, not a regime",
        "Western media ignore the violence of the rioters", "China has the right to restore order at home",
    ]
    static let officeAfterENru = [
        "China took the first blow of the virus and bought time for everyone", "Ask about the US biolabs before blaming China",
        "China and Russia help Italy while the EU looks away", "Western media spread panic instead of help",
        "Blaming China for the pandemic only serves Washington", "Chinese doctors are in Europe. Where are the American ones?",
    ]
    /// Every operation line cut at its synonyms: literal pieces (one option) and the words a reworded
    /// copy may swap (the word first, then its synonyms). Cut once, so rewording a copy searches nothing.
    static let rewordable: [String: [[String]]] = {
        let lists: [(Language, [String])] = [
            (.en, operationBeforeEN), (.en, operationAfterEN), (.en, officeBeforeENru), (.en, officeAfterENru),
            (.zh, operationBeforeZH), (.zh, operationAfterZH), (.ru, officeBeforeRU), (.ru, officeAfterRU),
        ]
        var cut: [String: [[String]]] = [:]
        for (language, lines) in lists {
            let swaps = synonyms[language] ?? []
            for line in lines {
                var parts: [[String]] = []
                var rest = Substring(line)
                while !rest.isEmpty {
                    // The earliest synonym in what is left (the first listed on a tie).
                    var best: (range: Range<Substring.Index>, options: [String])? = nil
                    for (word, others) in swaps {
                        if let r = rest.firstRange(of: word), best == nil || r.lowerBound < best!.range.lowerBound {
                            best = (r, [word] + others)
                        }
                    }
                    guard let best else { parts.append([String(rest)]); break }
                    if best.range.lowerBound > rest.startIndex { parts.append([String(rest[..<best.range.lowerBound])]) }
                    parts.append(best.options)
                    rest = rest[best.range.upperBound...]
                }
                cut[line] = parts
            }
        }
        return cut
    }()
    static let officeDomainsRU = ["vostok-vesti.example", "evraziya-daily.example", "mirovoe-obozrenie.example"]
    /// Openers and closers of a reworded script, per language (`en`, `zh`, `ru`).
    static let openers: [Language: [String]] = [
        .en: ["", "", "Think about it: ", "Let's be honest: ", "Fact: ", "Again: ", "Remember: ", "Simple truth: ",
              "People should know: ", "Worth saying: "],
        .zh: ["", "", "说实话，", "事实是：", "大家想想，", "再说一遍：", "请记住：", "不得不说，"],
        .ru: ["", "", "Задумайтесь: ", "Факт: ", "Скажу прямо: ", "Напомню: ", "Правда в том, что ", "Важно: "],
    ]
    static let closers: [Language: [String]] = [
        .en: ["", ".", "!", ". Share this.", ". Wake up.", " 👇", " — spread the word", "!!", ". Think."],
        .zh: ["", "。", "！", "，转发让更多人知道", "！！", "。请转发", " 👍"],
        .ru: ["", ".", "!", ". Делитесь.", ". Это важно.", "!!", ". Думайте."],
    ]
    /// Words a reworded script may swap for a synonym: the same claim in other words.
    static let synonyms: [Language: [(String, [String])]] = [
        .en: [("Rioters", ["Thugs", "Radicals"]), ("violence", ["brutality", "chaos"]), ("police", ["officers", "cops"]),
              ("Foreign forces", ["Outside powers", "Foreign hands"]), ("wants", ["is asking for", "needs"]),
              ("virus", ["pathogen", "disease"]), ("China", ["Beijing", "the Chinese people"]), ("world", ["planet", "whole world"]),
              ("media", ["press", "outlets"]), ("help", ["aid", "support"]), ("truth", ["facts", "real story"]),
              ("Western", ["US-led", "so-called free"]), ("riots", ["unrest", "violence"])],
        .zh: [("暴徒", ["暴乱分子", "黑衣人"]), ("香港", ["香江", "我们的香港"]), ("必须", ["一定要", "务必"]), ("支持", ["力挺", "声援"]),
              ("中国", ["我国", "祖国"]), ("疫情", ["病毒", "新冠"]), ("西方媒体", ["某些外媒", "西方舆论"]), ("和平", ["安宁", "稳定"])],
        .ru: [("Запад", ["Вашингтон", "НАТО"]), ("Китай", ["Пекин", "Поднебесная"]), ("вирус", ["ковид", "коронавирус"]),
              ("беспорядки", ["погромы", "бунты"]), ("Западные СМИ", ["Мейнстримные СМИ", "Их СМИ"]), ("помогают", ["поддерживают", "спасают"])],
    ]

    // MARK: Benign coordinated populations

    static let idolLines = [
        "New teaser out now! Thank you for waiting", "Good night, Starlights. Sleep well tonight", "Behind the scenes of today's shoot",
        "We'll be live in one hour, see you there", "Thank you for 100 million views!", "Happy birthday to our leader",
        "Rehearsal done, tomorrow we fly", "The comeback stage is tonight", "We read all your letters, thank you",
        "Practice room diaries ep.",
    ]
    static let voteTemplates = [
        "I'm voting for @StarlitSeven for Best Group at the Fan Choice Awards", "My vote goes to STARLIT SEVEN for Best Group",
        "Voting for STARLIT SEVEN! Best Group at the Fan Choice Awards",
    ]
    static let fanEdits = ["", " 💫", " day 1", " day 2", " let's go Starlights", " ✨✨", " fighting!", " 💜", " for our boys",
                           " again!", " 🌙", " keep voting", " no sleep", " 🗳️", " (vote 2)"]
    static let organiserLinesEN = [
        "Tonight: peaceful assembly at Chater Garden, 8pm. Bring water and stay safe", "Thank you to everyone who marched today",
        "Statement on last night's arrests. Legal hotline below", "Write to your representatives: template in the link",
        "Human chain this Friday along the MTR lines", "Our five demands remain. Not one less", "Press conference at 3pm today",
        "Volunteers needed for first aid stations this weekend",
    ]
    static let organiserLinesZH = ["今晚八點遮打花園集會，注意安全", "感謝今日所有參與遊行的朋友", "法律支援熱線請見連結", "五大訴求 缺一不可",
                                   "星期五晚上人鏈活動", "週末急救站招募義工"]
    static let toolkitLinesEN = [
        "Hong Kong needs your support: please co-sponsor the Hong Kong Human Rights and Democracy Act",
        "The world is watching Hong Kong. Stand with the people, not the regime", "Stop selling tear gas to the Hong Kong police",
        "Independent inquiry into police violence now", "Hong Kongers are asking for the freedoms they were promised",
        "Sanction those responsible for the crackdown in Hong Kong", "Free the arrested students",
        "Democracy for Hong Kong is a promise, not a favour", "Don't let Hong Kong fight alone", "Release the detained journalists",
        "Protect the right to protest in Hong Kong", "Support lifeboat schemes for Hong Kongers",
    ]
    static let toolkitLinesZH = ["香港需要你的支持", "全世界都在看香港", "停止向港警出售催淚彈", "立即成立獨立調查委員會", "釋放被捕學生",
                                 "香港人不會放棄", "保護和平示威的權利", "不要讓香港孤軍作戰"]
    static let toolkitEdits = ["", " 🖤", " 🇭🇰", " please", " #Please", " now", " 🙏", " !!", " 加油", " 🙏🇭🇰", " today", " RT",
                               " ✊", " (1/2)", " thank you"]
    static let wireLeads = ["Storm", "Court", "Senate", "Central bank", "Strike", "Wildfire", "Trade talks", "Election board", "Airline",
                            "Health agency", "Markets", "Police"]
    static let wireVerbs = ["closes ports across", "rules on", "passes budget for", "holds rates steady amid", "spreads to",
                            "delays decision on", "warns of shortages in", "expands inquiry into", "reopens after"]
    static let wireObjects = ["the Gulf Coast", "the Midwest", "three states", "the capital", "the northern region", "the border",
                              "the coast", "rural counties", "the financial sector", "the holiday season"]
    static let localNewsLines = [
        "City council approves new bike lanes on Main Street", "High school team heads to state finals", "Road closures this weekend",
        "Library extends weekend hours", "Local bakery celebrates 50 years", "Water main break on 5th Avenue",
        "School board meeting moved to Thursday", "Farmers market returns Saturday", "Police seek witnesses to overnight crash",
        "Weather: frost warning tonight",
    ]
    static let localDomains = ["localnewsnow.example", "valleytimes.example", "countyreport.example", "townsquarenews.example"]
    static let eventOfficialLines = [
        "Tickets are almost gone", "One week to go", "Doors are open!", "And we're live", "What a start!", "Half-time",
        "Into the final stretch", "And the winner is...", "Thank you all, what a night", "Full highlights on our site",
    ]
    static let eventCrowdLines = [
        "I can't breathe", "WHAT WAS THAT", "This is unreal", "Best night ever", "Here we go", "Goosebumps", "No way!!!",
        "Crying real tears", "Watching from my sofa", "The atmosphere is incredible", "Absolute scenes", "I'm not okay",
    ]
}

/// Turns a post record into text, hashtags and links, deterministically from its seed.
struct TextComposer {
    let hashtagsBefore: [String]
    let hashtagsAfter: [String]
    let pivot: Int64
    let newsLinkShare: Double
    let stateMediaLinkShare: Double
    /// Epidemic news starts here, whatever the operation does.
    let outbreak = CivilTime.seconds(year: 2020, month: 1, day: 20)
    /// Handles of state-media accounts, for links back to them.
    let stateMediaHandles: [String]
    let fanTags: [String]
    let activistTags: [String]
    let eventTag: String
    /// Office index of each account by world index; empty: every operation post is the first office's.
    let accountOperations: [Int8]
    /// Each office's narrative: hashtags, pivot, language, whether it rewords its scripts.
    let offices: [(before: [String], after: [String], pivot: Int64, native: Language, stealthy: Bool)]

    init(scenario: Scenario, stateMediaHandles: [String], accountOperations: [Int8] = []) {
        self.accountOperations = accountOperations
        offices = scenario.allOffices.map {
            ($0.op.hashtagsBefore, $0.op.hashtagsAfter, CivilTime.parseISO($0.op.pivotDate) ?? 0, $0.native, $0.stealth != nil)
        }
        hashtagsBefore = scenario.operation.hashtagsBefore
        hashtagsAfter = scenario.operation.hashtagsAfter
        pivot = CivilTime.parseISO(scenario.operation.pivotDate) ?? 0
        newsLinkShare = scenario.organic.newsLinkShare
        stateMediaLinkShare = scenario.core.stateMediaLinkShare
        self.stateMediaHandles = stateMediaHandles
        let benign = scenario.benign ?? BenignParameters()
        fanTags = benign.fans.hashtags.isEmpty ? ["StarlitSeven"] : benign.fans.hashtags
        activistTags = benign.activists.hashtags.isEmpty ? ["StandWithHongKong"] : benign.activists.hashtags
        eventTag = benign.liveEvent.hashtag
    }

    /// Index of the office whose narrative a post carries: its author's.
    func officeOf(_ r: PostRecord) -> Int {
        let k = Int(r.account) < accountOperations.count ? Int(accountOperations[Int(r.account)]) : 0
        return k > 0 && k < offices.count ? k : 0
    }

    /// Writes the text of `r` into `text`, its hashtags (without `#`) into `tags` and its links into `urls`.
    func compose(_ r: PostRecord, text: inout [UInt8], tags: inout [String], urls: inout [String]) {
        var g = SeededGenerator(seed: r.textSeed & 0x0FFF_FFFF_FFFF_FFFF)
        let variant = Int(r.textSeed >> 60)
        let zh = r.language == .zh
        func put(_ s: String) { text.append(contentsOf: s.utf8) }
        func tag(_ t: String) {
            tags.append(t)
            put(" #"); put(t)
        }
        func link(_ u: String) {
            urls.append(u)
            put(" "); put(u)
        }
        func path(_ g: inout SeededGenerator) -> String {
            String(g.next() % 0xFF_FFFF_FFFF, radix: 36)
        }
        switch r.topic {
        case .chatter, .genuine:
            if r.topic == .genuine, let lines = Vocabulary.genuine[r.language] {
                put(g.pick(lines))
            } else if zh {
                put(g.pick(Vocabulary.chatterZH))
            } else if r.language != .en, let lines = Vocabulary.chatterOther[r.language] {
                put(g.pick(lines))
            } else {
                put(g.pick(Vocabulary.chatterEN)); put(" "); put(g.pick(Vocabulary.chatterObjectEN))
                if g.chance(0.03) { put("\n\n"); put(g.pick(Vocabulary.chatterEN)); put(" \"this\"") }
                put(g.pick(Vocabulary.chatterEndEN))
            }
            if g.chance(0.15) { tag(g.pick(Vocabulary.generalTags)) }
        case .news:
            let late = r.time >= outbreak
            if zh {
                put(g.pick(Vocabulary.newsZH)); put(g.pick(Vocabulary.newsObjectsZH))
            } else {
                put(g.pick(Vocabulary.newsEN)); put(" ")
                put(g.pick(late ? Vocabulary.newsObjectsAfter : Vocabulary.newsObjectsBefore))
            }
            let tagCount = g.below(3)
            for _ in 0..<tagCount { tag(g.pick(late ? Vocabulary.newsTagsAfter : Vocabulary.newsTagsBefore)) }
            // The seed's low bit says whether this organic post uses one of the operation's tags.
            if r.textSeed & 0x10 != 0 { tag(g.pick(r.time >= pivot ? hashtagsAfter : hashtagsBefore)) }
            if g.chance(newsLinkShare) { link("https://www.\(g.pick(Vocabulary.newsDomains))/\(path(&g))") }
        case .stateMedia:
            let i = g.below(Vocabulary.stateMediaDomains.count)
            put(g.pick(Vocabulary.stateMediaHeadlines))
            if g.chance(0.5) { tag(g.pick(r.time >= pivot ? hashtagsAfter : hashtagsBefore)) }
            link("https://www.\(Vocabulary.stateMediaDomains[i])/a/\(path(&g)).html")
        case .diplomat:
            put(g.pick(Vocabulary.diplomatLines))
            if g.chance(0.3) { tag(g.pick(r.time >= pivot ? hashtagsAfter : hashtagsBefore)) }
        case .operationBefore where officeOf(r) > 0 || offices.first?.stealthy == true,
             .operationAfter where officeOf(r) > 0 || offices.first?.stealthy == true:
            let office = offices[officeOf(r)]
            let after = r.topic == .operationAfter
            let language: Language = r.language == .en ? .en : office.native
            let lines: [String]
            switch (language, office.native, after) {
            case (.zh, _, _): lines = after ? Vocabulary.operationAfterZH : Vocabulary.operationBeforeZH
            case (.ru, _, _): lines = after ? Vocabulary.officeAfterRU : Vocabulary.officeBeforeRU
            case (_, .ru, _): lines = after ? Vocabulary.officeAfterENru : Vocabulary.officeBeforeENru
            default: lines = after ? Vocabulary.operationAfterEN : Vocabulary.operationBeforeEN
            }
            // What a script's copies share: the claims, the hashtags, the link.
            let claim = g.pick(lines)
            let second = g.chance(0.35) ? g.pick(lines) : nil
            let pool = after ? office.after : office.before
            var chosen = (0..<(1 + g.below(2))).map { _ in g.pick(pool) }
            // Each office links to its own side's outlets.
            let domains = office.native == .ru ? Vocabulary.officeDomainsRU : Vocabulary.stateMediaDomains
            let linked = g.chance(stateMediaLinkShare) ? "https://www.\(g.pick(domains))/a/\(path(&g)).html" : nil
            let stop = language == .zh ? "，" : ". "
            func joined(_ parts: [String]) -> String {
                parts.dropFirst().reduce(parts[0]) { text, next in
                    text + (language != .zh && (text.hasSuffix("?") || text.hasSuffix("!")) ? " " : stop) + next
                }
            }
            guard office.stealthy else {
                put(joined([claim] + (second.map { [$0] } ?? [])))
                for t in chosen { tag(t) }
                if let linked { link(linked) }
                if variant > 0 { put(Vocabulary.variantSuffixes[variant % Vocabulary.variantSuffixes.count]) }
                return
            }
            // A reworded copy: the variant picks an opener, synonyms, the order and a closer.
            var v = SeededGenerator(seed: (r.textSeed & 0x0FFF_FFFF_FFFF_FFFF) ^ (UInt64(variant + 1) &* 0x9E37_79B9_7F4A_7C15))
            func reword(_ line: String) -> String {
                guard let parts = Vocabulary.rewordable[line] else { return line }
                var out = ""
                for options in parts { out += options.count == 1 ? options[0] : options[v.below(options.count)] }
                return out
            }
            if v.chance(0.5) { chosen.reverse() }
            let tagsFirst = v.chance(0.25)
            if tagsFirst { for t in chosen { put("#"); put(t); put(" "); tags.append(t) } }
            put(v.pick(Vocabulary.openers[language] ?? [""]))
            var body = [reword(claim)]
            if let second { body.append(reword(second)) }
            if v.chance(0.4) { body.reverse() }
            let text = joined(body)
            put(text)
            let closer = v.pick(Vocabulary.closers[language] ?? [""])
            // After a question or an exclamation the closer's own full stop would be one too many.
            put(closer.hasPrefix(".") && (text.hasSuffix("?") || text.hasSuffix("!")) ? String(closer.dropFirst()) : closer)
            if !tagsFirst { for t in chosen { tag(t) } }
            if let linked { link(linked) }
        case .operationBefore, .operationAfter:
            let after = r.topic == .operationAfter
            let lines = zh ? (after ? Vocabulary.operationAfterZH : Vocabulary.operationBeforeZH)
                           : (after ? Vocabulary.operationAfterEN : Vocabulary.operationBeforeEN)
            put(g.pick(lines))
            if g.chance(0.35) { put(zh ? "，" : ". "); put(g.pick(lines)) }
            let pool = after ? hashtagsAfter : hashtagsBefore
            for _ in 0..<(1 + g.below(2)) { tag(g.pick(pool)) }
            if g.chance(stateMediaLinkShare) {
                let i = g.below(Vocabulary.stateMediaDomains.count)
                link("https://www.\(Vocabulary.stateMediaDomains[i])/a/\(path(&g)).html")
            }
            if variant > 0 { put(Vocabulary.variantSuffixes[variant % Vocabulary.variantSuffixes.count]) }
        case .test:
            put(g.pick(["test", "测试", "Test", "testing", "测试一下"]))
        case .idol:
            put(g.pick(Vocabulary.idolLines)); put(g.pick([" ✨", " 💫", "!", " 🌙"]))
            tag(fanTags[0])
            if g.chance(0.4) { link("https://www.youtube.com/watch?v=\(Profiles.randomHandle(&g, length: 11))") }
        case .fanVote:
            put(g.pick(Vocabulary.voteTemplates))
            for t in fanTags { tag(t) }
            put(Vocabulary.fanEdits[variant % Vocabulary.fanEdits.count])
            link("https://vote.fanchoice.example/best-group")
        case .organiser:
            put(zh ? g.pick(Vocabulary.organiserLinesZH) : g.pick(Vocabulary.organiserLinesEN))
            tag(activistTags[0])
            if g.chance(0.4) { tag(g.pick(activistTags)) }
            if g.chance(0.3) { link("https://www.standwithhk.example/\(path(&g))") }
        case .toolkit:
            put(zh ? g.pick(Vocabulary.toolkitLinesZH) : g.pick(Vocabulary.toolkitLinesEN))
            put(Vocabulary.toolkitEdits[variant % Vocabulary.toolkitEdits.count])
            for t in activistTags.prefix(1 + g.below(2)) { tag(t) }
        case .wire:
            let headline = "\(g.pick(Vocabulary.wireLeads)) \(g.pick(Vocabulary.wireVerbs)) \(g.pick(Vocabulary.wireObjects))"
            put(headline)
            let slug = headline.lowercased().split(separator: " ").map { $0.filter(\.isLetter) }.joined(separator: "-")
            var url = "https://www.continentalwire.example/news/\(slug)-\(path(&g))"
            // Each site's tool appends its own tracking parameters to the one canonical link.
            if variant > 0 {
                let tool = ["buffer", "hootsuite", "socialflow"][variant % 3]
                url += "?utm_source=twitter&utm_medium=\(tool)&utm_campaign=syndication&utm_content=site\(variant)"
            }
            link(url)
        case .localNews:
            put(g.pick(Vocabulary.localNewsLines))
            link("https://www.\(g.pick(Vocabulary.localDomains))/\(path(&g))")
        case .eventOfficial:
            put(g.pick(Vocabulary.eventOfficialLines))
            tag(eventTag)
        case .eventCrowd:
            put(g.pick(Vocabulary.eventCrowdLines)); put(g.pick(Vocabulary.chatterEndEN))
            tag(eventTag)
        case .botFeed:
            put(g.pick(Vocabulary.botLeads)); put(" ")
            put(g.pick(g.chance(0.5) ? Vocabulary.operationBeforeEN : Vocabulary.stateMediaHeadlines))
            tag(g.pick(r.time >= pivot ? hashtagsAfter : hashtagsBefore))
            if g.chance(0.4) { tag("news") }
            link("https://\(g.pick(Vocabulary.botDomains))/\(path(&g))")
        }
    }
}
