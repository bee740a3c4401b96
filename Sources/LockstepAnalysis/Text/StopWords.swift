/// Small, maintained stop word lists: the function words that would otherwise top every term count.
///
/// Kept short on purpose: a term list for analysts, not a linguistic resource. Entries are in the
/// form the ``Tokenizer`` emits (lowercased words; Chinese and Japanese as character bigrams).
/// Add a word when it shows up at the top of real data without meaning anything.
package enum StopWords {
    /// English function words and Twitter noise (`rt`, `amp`, `via`).
    package static let english: [String] = """
        a about after all also am an and any are as at be because been before being but by can could \
        did do does doing don down during each few for from further had has have having he her here hers \
        him his how i if in into is it its just me more most my no nor not now of off on once only or \
        other our ours out over own same she should so some such than that the their theirs them then \
        there these they this those through to too under until up very was we were what when where which \
        while who whom why will with would you your yours rt amp via im dont thats u ur get got \
        us ll ve re
        """.split(separator: " ").map(String.init)

    /// Spanish function words.
    package static let spanish: [String] = """
        de la que el en los del se las por un para con una su al lo como más mas pero sus le ya o este \
        sí si porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos \
        durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro \
        otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo \
        nosotros mi mis tú te ti tu tus es son fue ha han
        """.split(separator: " ").map(String.init)

    /// Russian function words.
    package static let russian: [String] = """
        и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее её мне \
        было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него \
        до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы \
        тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому \
        этого какой совсем ним здесь этом один почти мой тем чтобы нее неё были куда зачем всех никогда \
        можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая \
        много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им \
        более всегда конечно всю между это как
        """.split(separator: " ").map(String.init)

    /// German, French and Italian function words (IRA and IO archives hold accounts in each).
    package static let otherEuropean: [String] = """
        der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an als wie \
        bei nach aus wird sind hat noch oder aber nur vor zur zum über wenn le les des et est une un pour \
        dans que qui pas sur au avec ce il elle ne se sont du plus par mais ou di il che è per una sono \
        gli della del con non si le da lo nel alla ma anche come
        """.split(separator: " ").map(String.init)

    /// Chinese function-word bigrams (the tokenizer emits Han text as character bigrams).
    package static let chinese: [String] = """
        我们 你们 他们 她们 它们 一个 没有 什么 这个 那个 这些 那些 就是 不是 可以 自己 因为 所以 但是 \
        如果 还是 已经 这样 那么 而且 或者 以及 的人 了一 是一 在这 也是 都是 就会 不会 是不 有一 这是 \
        那是 一些 之后 之前 其中 对于 关于 通过 进行 我的 你的 他的 她的 的是 了我 的事 一下 一样
        """.split(separator: " ").map(String.init)

    /// Japanese bigrams that are grammar rather than topic (all-hiragana bigrams are dropped anyway).
    package static let japanese: [String] = """
        する した して です ます ない いる ある この その あの こと もの よう ため から まで けど
        """.split(separator: " ").map(String.init)

    /// Every list, in a fixed order.
    package static var all: [String] { english + spanish + russian + otherEuropean + chinese + japanese }
}
