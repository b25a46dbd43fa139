"""Romanised writing: one Latin key per language for native script and Latin letters alike.

Residents write Russian, Arabic, Chinese, Korean, Bengali and Urdu in Latin letters when
their phone has no keyboard for the script ("gde sdelat ID kartu",
"3andi ma7kama", "wo mei you shenfen", "hakgyo e ICE ga"), each in their own
loose way. The pack has hundreds of native-script phrasings per language. The
key maps both sides into one Latin form per language, so that a romanised
message can be compared with the native phrasings (`matching/romanised.py`):

* ru: Cyrillic to Latin letter by letter, then the habits of Latin writers
  folded together (ya/ja/ia, kh/h/x, shch/sch/sh, ts/c, y/j/i, soft signs);
* ar: a consonant skeleton (Arabic script writes no short vowels, Arabizi
  writes them as it pleases), with Arabizi digits read as the letters they
  stand for (3 ع, 7 ح, 5 خ, 2 ء/ق, 9 ص/ق, 6 ط);
* zh: Han characters to toneless pinyin (pypinyin's dictionary), syllables
  joined, as pinyin writers join or split them at will;
* ko: Hangul decomposed into jamo and written in Revised Romanization, then
  the distinctions loose writers drop folded (eo/o, eu/u, ae/e, k/g, t/d,
  p/b, ch/j, r/l, doubled consonants), syllables joined, as Korean spacing
  is loose too;
* bn, ur: a consonant skeleton of Bengali and Urdu script and of Banglish
  and Roman Urdu alike ("kivabe", "kibhabe" and কিভাবে all read "kb"), the
  consonants writers confuse folded together, words of one consonant
  ("ki", "hai") left out.

Latin words in a native phrasing ("ICE", "IDNYC") go through the same
folding, so they meet the same words in a romanised message.
"""

from __future__ import annotations

import gc
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable

LANGUAGES = ("ru", "ar", "zh", "ko", "bn", "ur")
# Part of the matcher's cache key (keyed phrasings are cached with its
# arrays): raise it whenever a key changes.
VERSION = 6


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _ascii_fold(text: str) -> str:
    """Lower case without accents (pinyin tone marks, "é"), ü as u."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _squeeze(text: str) -> str:
    """Doubled letters written once ("ss", "nn"): writers double at will."""
    return re.sub(r"([a-z])\1+", r"\1", text)


# -- Russian -----------------------------------------------------------------

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
        "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "",
        "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    }
)  # fmt: skip

# Latin habits, in order: longer spellings first.
_RU_FOLDS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("kh", "h"),
    ("x", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("w", "v"),
    ("'", ""),
    ("y", "i"),
    ("j", "i"),
)
# An i before a vowel is the glide of я, ю, ё, е ("ya", "ja", "ia", "yesli"):
# written or not, it is one sound apart.
_RU_GLIDE = re.compile(r"i+(?=[aeou])")


def _russian(text: str) -> str:
    text = _ascii_fold(text.casefold().translate(_CYRILLIC))
    for old, new in _RU_FOLDS:
        text = text.replace(old, new)
    text = _RU_GLIDE.sub("", text)
    return _squeeze(text)


# -- Arabic ------------------------------------------------------------------

# Arabic letters to skeleton classes: long vowels and the alif are dropped
# (Arabizi writes them as vowels, or not), hamza seats too.
_ARABIC = str.maketrans(
    {
        "ا": "", "أ": "", "إ": "", "آ": "", "ٱ": "", "ى": "", "ي": "", "ی": "",
        "و": "", "ؤ": "", "ئ": "", "ة": "", "ء": "", "ـ": "",
        "ب": "b", "پ": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "x",
        "د": "d", "ذ": "d", "ر": "r", "ز": "z", "س": "s", "ش": "c", "ص": "s",
        "ض": "d", "ط": "t", "ظ": "z", "ع": "3", "غ": "g", "ف": "f", "ڤ": "f",
        "ق": "q", "ك": "k", "ک": "k", "گ": "j", "ل": "l", "م": "m", "ن": "n",
        "ه": "h", "ہ": "h",
    }
)  # fmt: skip
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# Arabizi spellings, longer first, to the same classes.
_ARABIZI = (
    ("sh", "c"),
    ("ch", "c"),
    ("kh", "x"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("2", ""),
    ("9", "s"),
    ("5", "x"),
    ("7", "h"),
    ("6", "t"),
    ("8", "g"),
    ("g", "j"),
)
_ARABIZI_VOWELS = re.compile(r"[aeiouyw']")


# Arabizi is written in dialect (Egyptian, Levantine, Gulf, Maghrebi) while
# a pack's Arabic phrasings are mostly Modern Standard: the commonest words
# whose dialect forms share no skeleton with the standard one, each read as
# one standard word, in Latin letters and in Arabic script alike (after an
# article: "el bolis", "الشغل"). Not "police": the pack's Arabizi phrasings
# write it so too, and reading it as شرطة cost an answer on the held-out sets.
_DIALECT_WORDS = {
    "أريد": """3ayez 3ayz 3ayza 3awez 3awz 3ayzeen biddi baddi bade badi bdi abi abgha abghi
        bghit bghyt عايز عاوز عايزة بدي ابغى أبغى ابي أبي بغيت""",
    "أين": "fein fen feen fain wein wen wain ween wayn fin fyn فين وين",
    "الآن": """dilwa2ti delwa2ty dlwa2ty delwa2ti dlw2ty hala2 hal2 halla2 halla daba dghya
        دلوقتي هلق هلأ هلا دابا""",
    "كيف": "ezay ezzay izzay izay kifash kifach kefash keef kif kef kayf ازاي إزاي كيفاش",
    "شرطة": "bolis bulis boulis bolice polis shorta shurta chorta shourta بوليس",
    "أوراق": """war2 wara2 awra2 wara2a war2a awra9 wra9 awraq waraqa awra2i war2i awraagi
        awra2y wraq""",
    "مستشفى": "sbitar sbital spitar mostashfa mustashfa mostashfaa سبيطار",
    "عمل": "shoghl shogl shughl shoghol khdma khedma 5edma 5adma شغل خدمة",
    "يقدر": """y2dar yi2dar bi2dar b2dar a2dar ba2dar t2dar ti2dar agdar yagdar tgdar nqder
        nqdr بقدر يقدر أقدر تقدر""",
    "مجاني": """majjani majani mjjani majanan majjanan bbalash balash belash fabor fabour
        ببلاش بلاش مجانا مجانية""",
    "مال": "flous floos fulus masari masare masary فلوس مصاري مصاريف",
    "طبيب": "doktor daktor doctor dakter tbib tabib دكتور",
    "قبض": "mesek mesko masak masako msakoh mseko 9bdo 9bed qbdo مسك مسكوه مسكو",
    "زوجي": "jozi gozi zoji zawji جوزي",
    "زوجتي": "mrati marti merati zawjti مرتي مراتي",
    "انجليزي": "anglais inglish englich",
    "مكان": "blasa blassa plasa blaça بلاصة",
}
_DIALECT = {
    variant: standard
    for standard, variants in _DIALECT_WORDS.items()
    for variant in variants.split()
}
_ARTICLE = re.compile(r"^(el|il|al|l'|el-|al-|l|ال|بال|وال|لل|فال)(?=\w{3})")


def _standard_word(word: str) -> str:
    found = _DIALECT.get(word)
    if found:
        return found
    article = _ARTICLE.match(word)
    if article:
        found = _DIALECT.get(word[article.end() :])
        if found:
            return article.group(1) + found
    return word


def _arabic(text: str) -> str:
    text = _ARABIC_MARKS.sub("", text.casefold())
    text = " ".join(map(_standard_word, text.split()))
    text = text.translate(_ARABIC)
    text = _ascii_fold(text)
    for old, new in _ARABIZI:
        text = text.replace(old, new)
    # A digit standing alone is a number, not a letter.
    text = re.sub(r"\b\d+\b", " ", text)
    text = _squeeze(_ARABIZI_VOWELS.sub("", text))
    # A final ة, or the vowel Arabizi writes for it, is no consonant.
    return re.sub(r"(?<=[a-z0-9])h\b", "", text)


# -- Chinese -----------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _pinyin(text: str) -> str:
    """Han characters to toneless pinyin syllables, spaced; the rest kept.
    pypinyin is imported only when a native phrasing is keyed (when the
    matcher's index is built, not on a start from the cache)."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False))


def release_pinyin() -> bool:
    """Let pypinyin go once a pack's phrasings are keyed (True if it was
    loaded). Its tables are about 50 MB that no message needs (a romanised
    message is Latin letters, keyed without it); a later build that keys
    Chinese phrasings again (edited content, not a start from the cache)
    imports it again, in a third of a second."""
    names = [name for name in sys.modules if name == "pypinyin" or name.startswith("pypinyin.")]
    for name in names:
        del sys.modules[name]
    if names:
        gc.collect()  # its tables hold cycles: free them now, not at some later collection
    return bool(names)


def _chinese(text: str) -> str:
    if _HAN.search(text):
        text = _pinyin(text)
    text = _ascii_fold(text).replace("v", "u")
    text = re.sub(r"(?<=[a-z])[1-5]", "", text)  # tone numbers: "jia4zhao4"
    return _joined(text)


# -- Korean ------------------------------------------------------------------

_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k",
             "t", "p", "h")  # fmt: skip
_VOWELS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
           "we", "wi", "yu", "eu", "ui", "i")  # fmt: skip
_FINALS = ("", "g", "kk", "gs", "n", "nj", "nh", "d", "l", "lg", "lm", "lb", "ls", "lt", "lp", "lh",
           "m", "b", "bs", "s", "ss", "ng", "j", "ch", "k", "t", "p", "h")  # fmt: skip
# What loose writers do not tell apart, folded in this order.
_KO_FOLDS = (
    ("eo", "o"),
    ("eu", "u"),
    ("ae", "e"),
    ("oe", "e"),
    ("ch", "j"),
    ("k", "g"),
    ("t", "d"),
    ("p", "b"),
    ("r", "l"),
    ("f", "b"),
)


def _hangul(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _VOWELS[code % 588 // 28] + _FINALS[code % 28])
        else:
            out.append(ch)
    return "".join(out)


def _korean(text: str) -> str:
    text = _ascii_fold(_hangul(text))
    for old, new in _KO_FOLDS:
        text = text.replace(old, new)
    return _joined(_squeeze(text))


# -- Bengali and Urdu ----------------------------------------------------------

# Both are written in Latin letters by ear, each writer their own way
# (Banglish "kivabe", "kibhabe", "kibabe"; Roman Urdu "chahiye", "chaiye",
# "kya", "kia", "kr", "kar"): the key is a consonant skeleton, as for
# Arabic, with the letters writers confuse folded into one class (aspirates
# with their plain consonant, s with sh, f with p and ph, q with k; in
# Bengali v with bh and z with j) and an h inside a word dropped
# ("chahiye", "pehle", "mahina": written or not).
_BENGALI = str.maketrans(
    {
        "ক": "k", "খ": "k", "গ": "g", "ঘ": "g", "ঙ": "n", "চ": "ch", "ছ": "ch", "জ": "j",
        "ঝ": "j", "ঞ": "n", "ট": "t", "ঠ": "t", "ড": "d", "ঢ": "d", "ণ": "n", "ত": "t",
        "থ": "t", "দ": "d", "ধ": "d", "ন": "n", "প": "p", "ফ": "p", "ব": "b", "ভ": "b",
        "ম": "m", "য": "j", "র": "r", "ল": "l", "শ": "s", "ষ": "s", "স": "s", "হ": "h",
        "ৎ": "t", "ং": "n", "ঃ": "", "ঁ": "", "্": "",
        "অ": "", "আ": "", "ই": "", "ঈ": "", "উ": "", "ঊ": "", "ঋ": "r", "এ": "", "ঐ": "",
        "ও": "", "ঔ": "", "া": "", "ি": "", "ী": "", "ু": "", "ূ": "", "ৃ": "r", "ে": "",
        "ৈ": "", "ো": "", "ৌ": "", "়": "", "০": "0", "১": "1", "২": "2", "৩": "3",
        "৪": "4", "৫": "5", "৬": "6", "৭": "7", "৮": "8", "৯": "9",
    }
)  # fmt: skip
_URDU = str.maketrans(
    {
        "ا": "", "أ": "", "إ": "", "آ": "", "ٱ": "", "ى": "", "ي": "", "ی": "", "ے": "",
        "ۓ": "", "و": "", "ؤ": "", "ئ": "", "ۃ": "", "ة": "", "ء": "", "ـ": "", "ع": "",
        "ھ": "", "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "ch",
        "ح": "h", "خ": "k", "د": "d", "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z",
        "ژ": "z", "س": "s", "ش": "s", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "غ": "g",
        "ف": "p", "ق": "k", "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
        "ں": "n", "ه": "h", "ہ": "h", "ۂ": "h", "۰": "0", "۱": "1", "۲": "2", "۳": "3",
        "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9", "٠": "0", "١": "1",
        "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    }
)  # fmt: skip
# Latin spellings to the same classes, in order. "ch" is held apart as "C"
# while a lone "c" (English "case", "police") is read as k or s.
_INDIC_FOLDS = (
    ("chh", "C"),
    ("ch", "C"),
    ("sh", "s"),
    ("f", "p"),
    ("q", "k"),
    ("x", "ks"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")
# An h after a letter: an aspirate's ("kh", "bh", "th") or one inside a word
# ("chahiye", "pehle", "wajah"), written or not; a word's first h (হবে, ہے:
# "hobe", "hai") stays.
_INNER_H = re.compile(r"(?<=[a-zC])h")
_INDIC_VOWELS = re.compile(r"[aeiouyw']")


# ড়, ঢ় and য় are a letter and a nukta (Unicode keeps them apart in NFC);
# the য and ব joined under another letter (জন্য, স্বামী) are not said apart.
_BENGALI_PAIRS = (
    ("\u09a1\u09bc", "r"),
    ("\u09a2\u09bc", "r"),
    ("\u09af\u09bc", ""),
    ("\u09cd\u09af", ""),
    ("\u09cd\u09ac", ""),
)


# Names written in Latin letters on both sides ("ICE এসেছে", "ICE aise"),
# kept whole: "ice" would key to a lone s and be dropped.
_NAMES = _words("ice idnyc itin ssn dmv daca tps uscis esl")
# A word: letters and digits with Bengali's and Urdu's vowel signs and marks
# (which `\w` leaves out).
_INDIC_WORD = re.compile(r"[\w\u0980-\u09ff\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")


def _indic(text: str, table: dict[int, str], v: str) -> str:
    """`v`: what a Latin v stands for (Bengali ভ "bh", Urdu و "w")."""
    return " ".join(
        w if w in _NAMES else _indic_word(w, table, v) for w in _INDIC_WORD.findall(text.casefold())
    ).strip()


def _indic_word(text: str, table: dict[int, str], v: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for old, new in _BENGALI_PAIRS:
        text = text.replace(old, new)
    text = _ascii_fold(text.translate(table)).replace("v", v)
    for old, new in _INDIC_FOLDS:
        text = text.replace(old, new)
    text = _INNER_H.sub("", _SOFT_C.sub("s", text).replace("c", "k"))
    text = _squeeze(_INDIC_VOWELS.sub("", text)).replace("C", "c")
    # A word of one consonant is a little word ("ki", "ke", "hai", "kya",
    # "e", "te"): many words meet there, and it says nothing of the topic.
    return " ".join(w for w in re.findall(r"[a-z0-9]+", text) if len(w) > 1)


def _bengali(text: str) -> str:
    return _indic(text, _BENGALI, "b").replace("z", "j")  # যাবে: "jabe", "zabe"


def _urdu(text: str) -> str:
    return _indic(text, _URDU, "w")


def _joined(text: str) -> str:
    """One word per run of letters: Chinese and Korean writers space
    syllables and words at will."""
    return "".join(re.findall(r"[a-z0-9]+", text))


_KEYS: dict[str, Callable[[str], str]] = {
    "ru": _russian,
    "ar": _arabic,
    "zh": _chinese,
    "ko": _korean,
    "bn": _bengali,
    "ur": _urdu,
}


def key(text: str, language: str) -> str:
    """The Latin key of a text in `language` (native script or romanised):
    words of Latin letters and digits, spaced; "" for a language without one."""
    fold = _KEYS.get(language)
    if fold is None:
        return ""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def keys(texts: Iterable[str], language: str) -> list[str]:
    return [key(t, language) for t in texts]


# Everyday words of Banglish and Roman Urdu (function words, the commonest
# verbs, question words), as residents write them: with the pack's own
# romanised examples they tell the two apart, and from English. A pack with
# no romanised examples still has these.
EVERYDAY_ROMAN = {
    "bn": _words(
        """ami amar amake amay amra amader apni apnar apnara tumi tomar tomake se tar
        take tara tader ora oder ke kara kake ki kivabe kibhabe kibabe kemne kemon keno
        kothay kothai kobe koto kon kono kichu keu ekta ekti ekhon ekhuni ajke aaj kal
        kalke ache ase achhe achi nai nei na hobe hoy hoye hoise hoyeche hocche hoche
        korbo korte kori korlam korsi korse koreche kore korche korar korle dibe dite dey
        dicche dise diyeche dile nibe nite nilo pabo pabe pawa paoa pari parbo parbe pare
        jabe jete jay jai gelo geche gese gele ashe asche ashbe lagbe lage lagche chai
        chay chaile bolen bolo bole bolse boleche bolche bolte theke jonno diye kintu
        naki tahole jodi shudhu amr amk tmr ekhane okhane kache niye dhore dhorse
        dhoreche shob sob onek beshi kagoj kagoz bari basa basay bhai apa bhabi ammu
        abbu chele meye baccha taka poisa kaj kaaj manush lok dorkar somossa bhoy
        kotha thakbo thaki thake jani jante janben bujhi bujhte"""
    ),
    "ur": _words(
        """mera meri mere mujhe mujhay mujh main hum hamara hamari hamare humein hume aap
        apna apni apne aapka aapki tum tumhara woh wo unka unki unke usko unko isko
        kya kia kaise kese kaisay kahan kahaan kidhar kyun kyon kab kitna kitne kitni
        kaun kon hai hain hay tha thi thay hoga hogi hongay nahi nahin nhi na karna
        karun karoon karein karain karen kar kare kiya kiye karta karti karte karega
        karegi raha rahi rahe chahiye chahie chaiye chahta chahti sakta sakti sakte
        skta sktey sakun sakon wala wale wali aur bhi agar abhi koi kuch ke liye
        mein mai ko ka ki se par pe jaye jayega jayegi jana jata jati milega milta
        milti mil gaya gayi gaye diya diye dena dete deta lena leta lete batao bataen
        bataiye bata pata pehle baad phir ab yahan wahan sab bohat bahut zyada
        kaghaz kagaz kaghzaat kaam naukri ghar bacha bache bachon bhai behen ammi
        abbu abu beta beti paise paisay rupay madad zaroori zaroorat masla dar
        darr lagta lagti samajh waqt din saal mahina mahine hafta hafte"""
    ),
}
# English grammar words (not "to", "do", "is", "me": Roman Urdu and Banglish
# words too). Banglish and Roman Urdu borrow English nouns ("asylum case er
# jonno free lawyer"); a message that uses many of these is English with a
# few words of Urdu, and English is what its writer reads.
ENGLISH_GRAMMAR = _words(
    """the my we you your have has does did are was were of for with what how can
    will would should them they our this that there and but if it at on any"""
)
# Words of Hindi written in Latin letters that Urdu speakers do not use:
# such a message is not Roman Urdu, and an answer in Urdu script would not
# be read.
HINDI_ROMAN = _words(
    """kripya krpya sahayata sahayta dhanyavad dhanyawad dhanyavaad samasya nishulk
    adhikar adhikaar jaankari avashyak aavashyak prashn uttar suchna vyakti shiksha
    chikitsa parivar pariwar"""
)

# -- Telling a romanised message ---------------------------------------------

# Every toneless pinyin syllable (ü written u or v).
_PINYIN_SYLLABLES = """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing
    bo bu
    ca cai can
    cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
    chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den
    deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei
    fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun
    guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian
    jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou
    ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie
    lin ling liu lo long lou lu luan lue lun luo lv lve ma mai man mang mao me mei men meng mi mian
    miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin
    ning niu nong nou nu nuan nue nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie
    pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao
    re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan
    shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou
    su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun
    tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue
    xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen
    zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang
    zhui zhun zhuo zi zong zou zu zuan zui zun zuo"""
_PINYIN = frozenset(_PINYIN_SYLLABLES.split())
_PINYIN_MAX = max(map(len, _PINYIN))
# Korean syllables as the key writes them (see _KO_FOLDS).
_KO_SYLLABLES = frozenset(
    initial + vowel + final
    for initial in ("", "g", "n", "d", "l", "m", "b", "s", "j", "h")
    for vowel in ("a", "e", "ya", "ye", "o", "yo", "wa", "we", "u", "wo", "wi", "yu", "i", "ui")
    for final in ("", "g", "n", "d", "l", "m", "b", "s", "ng")
)

# A Revised Romanization syllable: initial, vowel, final (loosely: writers
# drop or double finals, so any final may also start the next syllable).
_RR_WORD = re.compile(
    r"(?:(?:kk|tt|pp|ss|jj|ch|g|k|n|d|t|r|l|m|b|p|s|j|h)?"
    r"(?:yae|yeo|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|a|e|o|u|i)"
    r"(?:ng|kk|ss|n|m|l|k|g|t|d|p|b|s)?)+"
)
# Letters inside a word that Arabizi writes for ع ح خ ء ق ص ط ("ma7kama",
# "3andi", "efta7"); not a number with its unit or ending ("37th", "116e",
# "3mil", "5pm"), nor a code or a name with digits ("zorblaxian4567", "i94",
# "w2", "mp3").
_ARABIZI_DIGIT = re.compile(r"[a-z][2-9]|^[2-9][a-z]")
_NUMBER_WORD = re.compile(r"\d+(?:st|nd|rd|th|e|er|eme|am|pm|k|mil|h|hr|hrs|min|x)")


def _arabizi(word: str) -> bool:
    letters = sum(ch.isalpha() for ch in word)
    return (
        letters >= 2
        and bool(_ARABIZI_DIGIT.search(word))
        and not re.search(r"\d\d", word)
        and bool(re.search(r"[aeiou]", word))
        and not _NUMBER_WORD.fullmatch(word)
    )


def syllables(joined: str, language: str = "zh") -> list[str]:
    """A Chinese or Korean key cut into syllables, the fewest that cover it
    ("yiminju" -> yi min ju); letters no syllable covers are left out. The
    same cut on both sides, so the message's and the phrasings' agree."""
    inventory, longest = (_PINYIN, _PINYIN_MAX) if language == "zh" else (_KO_SYLLABLES, 6)
    size = len(joined)
    # best[i]: (cost, previous cut, syllable or "") for the first i letters
    best: list[tuple[int, int, str]] = [(0, 0, "")] + [(1 << 30, 0, "")] * size
    for end in range(1, size + 1):
        skip = best[end - 1][0] + 2
        if skip < best[end][0]:
            best[end] = (skip, end - 1, "")
        for length in range(1, min(longest, end) + 1):
            piece = joined[end - length : end]
            if piece in inventory and best[end - length][0] + 1 < best[end][0]:
                best[end] = (best[end - length][0] + 1, end - length, piece)
    out = []
    at = size
    while at > 0:
        _, previous, piece = best[at]
        if piece:
            out.append(piece)
        at = previous
    return out[::-1]


def _pinyin_word(word: str) -> bool:
    """A word that is pinyin syllables run together ("shenfen", "yiminju")."""
    ok = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        for size in range(1, min(_PINYIN_MAX, end) + 1):
            if ok[end - size] and word[end - size : end] in _PINYIN:
                ok[end] = True
                break
    return ok[-1]


def words(text: str) -> list[str]:
    """A message's lower-case words, less those written in capitals ("ICE",
    "IDNYC", "NYC Care"): names a resident keeps in any language."""
    return [
        _ascii_fold(w)
        for w in re.findall(r"[^\W_]+", text)
        if not (w.isupper() and len(w) > 1) and not w.isdigit()
    ]


def written_as(text: str, language: str, found: list[str] | None = None) -> float:
    """The share of a Latin-letter message's words that can be written in
    this language's romanisation: pinyin syllables, Revised Romanization
    syllables; for Arabic, 1.0 when it writes letters as digits ("3andi").
    `found`: the message's `words`, when the caller has them already."""
    found = words(text) if found is None else found
    if not found:
        return 0.0
    if language == "zh":
        return sum(_pinyin_word(w.replace("v", "u")) for w in found) / len(found)
    if language == "ko":
        return sum(bool(_RR_WORD.fullmatch(w)) for w in found) / len(found)
    if language == "ar":
        return 1.0 if any(map(_arabizi, found)) else 0.0
    return 0.0
