"""Text for the synthetic half of the corpus: what espeak-ng and Piper read aloud.

Per language: a few everyday sentences written for this corpus, numbers (espeak-ng reads
digits as words of the language), and pseudo-words drawn from the language's own letters
or syllables, so every sound the voice knows turns up in many contexts. Everything is
generated from a seed: the same seed gives the same text.
"""

import numpy as np

# espeak-ng voice -> sentences written for this corpus.
SENTENCES = {
    "en-us": ["Please bring me a map of the big blue bay.", "We moved the five heavy boxes over the bridge.",
              "Would you like some warm soup with your bread?", "The old man fed the birds by the river.",
              "Think of a number between one and fifty.", "Look, the yellow balloon floats above the roof."],
    "en-gb-x-rp": ["Thank you very much for the lovely flowers.", "My father bought a bottle of milk.",
                   "She plays the violin beautifully on Fridays.", "Who left the window open last night?"],
    "es": ["Buenos días, ¿cómo estás?", "Me gustaría un vaso de agua fría, por favor.",
           "Mi madre vive en una casa pequeña cerca del mar.", "Vamos a bailar toda la noche."],
    "fr": ["Bonjour, je voudrais un verre d'eau.", "Le petit chat boit du lait dans la cuisine.",
           "Nous partons en vacances au mois de juillet.", "Pourquoi veux-tu manger des pommes vertes?"],
    "it": ["Buongiorno, come stai oggi?", "Mio fratello mangia la pizza ogni venerdì.",
           "La bambina guarda il mare dalla finestra.", "Vorrei un bicchiere di vino rosso."],
    "pt": ["Bom dia, como vai você?", "O meu pai bebe café com leite pela manhã.",
           "Vamos passear na praia amanhã à tarde."],
    "pt-br": ["Obrigado pela ajuda, você é muito gentil.", "A menina comprou uma bola vermelha."],
    "de": ["Guten Morgen, wie geht es dir?", "Mein Bruder fährt mit dem Fahrrad zur Schule.",
           "Wir möchten bitte zwei Tassen Kaffee.", "Über den Bergen fliegt ein großer Vogel."],
    "nl": ["Goedemorgen, hoe gaat het met je?", "Mijn moeder fietst elke dag naar haar werk."],
    "sv": ["God morgon, hur mår du?", "Vi bor i ett litet rött hus vid sjön."],
    "da": ["Godmorgen, hvordan har du det?", "Min far spiser brød med ost."],
    "nb": ["God morgen, hvordan har du det?", "Vi går på tur i fjellet om sommeren."],
    "fi": ["Hyvää huomenta, mitä kuuluu?", "Minä juon kuppia kahvia aamulla."],
    "pl": ["Dzień dobry, jak się masz?", "Moja mama pije herbatę z mlekiem.", "W Szczebrzeszynie chrząszcz brzmi w trzcinie."],
    "cs": ["Dobrý den, jak se máte?", "Můj bratr bydlí v malém městě."],
    "hu": ["Jó reggelt, hogy vagy?", "A macska a fán ül és figyel."],
    "ro": ["Bună dimineața, ce mai faci?", "Mama mea face o plăcintă cu mere."],
    "tr": ["Günaydın, nasılsın?", "Babam her sabah çay içer.", "Bu akşam sinemaya gidelim mi?"],
    "el": ["Καλημέρα, τι κάνεις;", "Η μητέρα μου μαγειρεύει ψάρι.", "Θέλω ένα ποτήρι νερό."],
    "ru": ["Привет, как дела?", "Я люблю молоко и мёд.", "Мама мыла раму утром.", "Во поле берёза стояла."],
    "uk": ["Добрий день, як справи?", "Мій батько п'є чай з медом."],
    "bg": ["Добро утро, как си?", "Обичам да чета книги вечер."],
    "sr": ["Добар дан, како сте?", "Моја мама пече хлеб."],
    "cmn": ["妈妈买了一本书，爸爸不怕麻烦。", "朋友们都来帮忙。", "我们明天去北京看长城。", "今天天气很好，我想去公园散步。",
            "你好，请问现在几点了？", "他喜欢喝茶，不喜欢喝咖啡。"],
    "yue": ["我哋今日去飲茶。", "你好，你食咗飯未呀？", "佢好鍾意唱歌。", "聽日我哋一齊去睇戲啦。"],
    "ja": ["わたしは にほんごを はなします。", "きょうは とても いい てんき ですね。", "おちゃを いっぱい ください。",
           "あした ともだちと やまに いきます。", "カメラと テレビを かいました。"],
    "ko": ["안녕하세요 만나서 반갑습니다", "저는 커피를 좋아해요", "내일 바다에 갈 거예요"],
    "hi": ["मेरा नाम राम है। आप कैसे हैं?", "मुझे पानी चाहिए।", "हम कल बाज़ार जाएँगे।", "बच्चे मैदान में खेल रहे हैं।"],
    "bn": ["আমার নাম রবি।", "আমি ভাত খেতে ভালোবাসি।"],
    "ta": ["வணக்கம், எப்படி இருக்கிறீர்கள்?", "நான் தண்ணீர் குடிக்கிறேன்."],
    "ur": ["آپ کیسے ہیں؟", "میں پانی پیتا ہوں۔"],
    "ar": ["مَرْحَبًا، كَيْفَ حَالُكَ؟", "أُحِبُّ شُرْبَ الْقَهْوَةِ فِي الصَّبَاحِ.", "ذَهَبَ الْوَلَدُ إِلَى الْمَدْرَسَةِ."],
    "fa": ["سلام، حال شما چطور است؟", "من چای می‌نوشم."],
    "he": ["שלום, מה שלומך?", "אני אוהב לשתות קפה בבוקר."],
    "vi": ["Xin chào, bạn khỏe không?", "Tôi thích ăn phở bò.", "Mẹ tôi mua một con cá."],
    "id": ["Selamat pagi, apa kabar?", "Saya suka makan nasi goreng."],
    "ms": ["Selamat pagi, apa khabar?", "Kami pergi ke pasar setiap minggu."],
    "sw": ["Habari za asubuhi?", "Mimi ninapenda kula matunda."],
    "ka": ["გამარჯობა, როგორ ხარ?", "მე მიყვარს ჩაი."],
    "hy": ["Բարև, ինչպես ես?", "Ես սիրում եմ սուրճ."],
    "eu": ["Egun on, zer moduz?", "Nire amak ogia erosi du."],
    "cy": ["Bore da, sut wyt ti?", "Mae'r gath yn cysgu ar y gwely."],
}  # fmt: skip

# Letters or syllables pseudo-words are made of: (onsets, nuclei) or a syllable list.
_LATIN_ONSETS = list("bcdfghjklmnprstvwz") + ["", "", "br", "pl", "st", "tr", "m", "p", "f", "v", "l"]
_LATIN_NUCLEI = list("aeiouaeio") + ["ai", "ou", "ea"]
_KANA = list("あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわんがぎぐげござじずぜぞだでどばびぶべぼぱぴぷぺぽ")
_HANZI = list("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域读")
_HANGUL_ONSETS = [chr(0x1100 + i) for i in range(19)]
_DEVANAGARI_CONS = list("कखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह")
_DEVANAGARI_SIGNS = ["", "ा", "ि", "ी", "ु", "ू", "े", "ै", "ो", "ौ"]
_ARABIC_CONS = list("بتثجحخدذرزسشصضطظعغفقكلمنهوي")
_ARABIC_SIGNS = ["َ", "ِ", "ُ", "َا", "ِي", "ُو", "ْ"]
_CYRILLIC_CONS = list("бвгджзклмнпрстфхцчшщ")
_CYRILLIC_VOWELS = list("аеиоуыэюяё")
_GREEK_CONS = list("βγδζθκλμνξπρστφχψ")
_GREEK_VOWELS = list("αεηιουωάέίόύ")
_SCRIPTS = {
    "cmn": "hanzi", "yue": "hanzi", "ja": "kana", "ko": "hangul", "hi": "devanagari", "mr": "devanagari",
    "ne": "devanagari", "ar": "arabic", "fa": "arabic", "ur": "arabic", "ru": "cyrillic", "uk": "cyrillic",
    "bg": "cyrillic", "sr": "cyrillic", "el": "greek",
}  # fmt: skip
# Languages whose script pseudo-words cannot be composed here: sentences and numbers only.
_NO_PSEUDO = {"bn", "ta", "he", "ka", "hy", "th"}


def pseudo_word(rng: np.random.Generator, language: str) -> str:
    """One made-up word in the language's script, 1-4 syllables."""
    script = _SCRIPTS.get(language, "latin")
    n = int(rng.integers(1, 5))
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    if script == "hanzi":
        return "".join(pick(_HANZI) for _ in range(n))
    if script == "kana":
        return "".join(pick(_KANA) for _ in range(n + 1))
    if script == "hangul":
        return "".join(chr(0xAC00 + int(rng.integers(19)) * 588 + int(rng.integers(21)) * 28 + pick([0, 0, 4, 8, 16]))
                       for _ in range(n))  # fmt: skip
    if script == "devanagari":
        return "".join(pick(_DEVANAGARI_CONS) + pick(_DEVANAGARI_SIGNS) for _ in range(n))
    if script == "arabic":
        return "".join(pick(_ARABIC_CONS) + pick(_ARABIC_SIGNS) for _ in range(n))
    if script == "cyrillic":
        return "".join(pick(_CYRILLIC_CONS) + pick(_CYRILLIC_VOWELS) for _ in range(n))
    if script == "greek":
        return "".join(pick(_GREEK_CONS) + pick(_GREEK_VOWELS) for _ in range(n))
    return "".join(pick(_LATIN_ONSETS) + pick(_LATIN_NUCLEI) for _ in range(n))


def utterances(language: str, *, n: int, seed: int) -> list:
    """``n`` texts for ``language``: its sentences, numbers and pseudo-word phrases, mixed."""
    rng = np.random.default_rng(seed)
    sentences = SENTENCES.get(language, [])
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0 and sentences:
            out.append(sentences[(i // 4) % len(sentences)])
        elif kind == 1:
            out.append(" ".join(str(int(rng.integers(0, 10 ** int(rng.integers(1, 5))))) for _ in range(2)))
        elif language in _NO_PSEUDO or kind == 2 and sentences and rng.random() < 0.5:
            out.append(" ".join(rng.permutation(sentences)[: 2]) if sentences else str(int(rng.integers(1000))))
        else:
            words = [pseudo_word(rng, language) for _ in range(int(rng.integers(2, 7)))]
            mark = "。" if _SCRIPTS.get(language) in ("hanzi", "kana") else "."
            out.append(" ".join(words) + mark)
    return out


# Vowels running into a bilabial (P/B/M), the closures models miss on unheard voices: real
# words per language (within a word, at its end, and the start of a word after a vowel-final
# one) and, in scripts spelled as said, pseudo-words of vowel + bilabial syllables.
_BILABIAL_WORDS = {
    "en-us": ("happy paper rubber number hope baby top cup map tube robe globe job club team dream home time some "
              "summer lemon camera tomato apple puppy hippo maybe simple open upper hammer lamp jump keep sheep "
              "shape tape soap rope deep ship stop drum plum bump ribbon cabin robin shampoo"),
    "en-us-after": "the a to so my we you he she do go no see two three new blue free tea",
    "en-us-before": ("pin pen pay pie pot pull push pink page peach bag bed boat big book ball bike bear man moon "
                     "more milk mine moth mud mail people pocket bottle money music baby party"),
    "it": ("papà mamma babbo ape capo sapone tempo campo lampo ombra gamba sabato abito rubato coppa zuppa "
           "pepe mappa nube tubo lupo ripa stupido ampio sempre dopo sopra amico uomo fumo piuma"),
    "ru": ("папа мама баба суп хлеб тепло рыба собака добро яблоко лампа шапка опять ребёнок губы дома зима "
           "утром сумка тропа сапоги обед небо упал тебя тумба ямка кубок трубы"),
    "cs": ("máma táta bába polévka chleba sobota obraz doma zima lampa kapsa chyba ryba lopata hubička teplo "
           "kapr copánek opice obálka sama tam dům mapa žába lípa"),
    "fi": ("äiti isä kumi sammal lumi sampo kampa lapa upea hiipii ampuu kaappi tappi lammas kamera "
           "omena himmeä tupa kipu sopu rapu leipä poika aamu"),
}
_BILABIAL_VOWELS = {"it": "aeiou", "cs": "aeiouyáéíóú", "fi": "aeiouyäö", "ru": "аеиоуыэюя"}
_BILABIALS = {"it": ("p", "b", "m", "pp", "bb", "mm"), "cs": ("p", "b", "m"), "fi": ("p", "m", "pp", "mm", "b"),
              "ru": ("п", "б", "м")}  # fmt: skip


def bilabial_phrase(rng: np.random.Generator, language: str) -> str:
    """A phrase of 3-6 words where vowels run into P, B or M (en-us, it, ru, cs, fi)."""
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    words = []
    for _ in range(int(rng.integers(3, 7))):
        if language == "en-us":
            if rng.random() < 0.5:
                words.append(pick(_BILABIAL_WORDS["en-us"].split()))
            else:
                words += [pick(_BILABIAL_WORDS["en-us-after"].split()), pick(_BILABIAL_WORDS["en-us-before"].split())]
        elif rng.random() < 0.5:
            words.append(pick(_BILABIAL_WORDS[language].split()))
        else:
            vowels, syllables = _BILABIAL_VOWELS[language], int(rng.integers(1, 4))
            word = "".join(pick(vowels) + pick(_BILABIALS[language]) for _ in range(syllables))
            words.append(word + (pick(vowels) if rng.random() < 0.7 else ""))
    return " ".join(words) + pick([".", ".", ",", "?"])


def bilabial_utterances(language: str, *, n: int, seed: int) -> list:
    """``n`` texts: vowel-to-bilabial phrases (every other one) mixed with :func:`utterances`."""
    rng = np.random.default_rng(seed)
    ordinary = utterances(language, n=n - n // 2, seed=seed)
    rich = [bilabial_phrase(rng, language) for _ in range(n // 2)]
    return [text for pair in zip(ordinary, rich) for text in pair] + ordinary[len(rich) :]
