"""The bot's own knowledge of Latin-script languages, apart from any pack.

A pack's example questions teach the detector the languages it offers; they
say nothing of the ones it leaves out. These everyday words let the detector
recognise a language whatever subset a pack offers (French and Haitian Creole
in a pack of English, Spanish and Polish), so the resident hears which
languages the bot speaks instead of a wrong-language decline.

`EVERYDAY` holds function words and the words residents use for help,
papers, school and work: several of them in one message name its language.
`TELLING` holds the words that alone say which language a one-word message is
in ("gracias", "dziękuję"), for the languages a pack does offer.
Words are written as residents type them, with and without accents; the
detector compares them with accents folded.
"""

from __future__ import annotations

from collections.abc import Mapping


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EVERYDAY: Mapping[str, frozenset[str]] = {
    "en": _words("""i my me you your is are am the and not can could how where what when why who
        have has do does did need help want with for from this that there they them
        we our will would should get going about please thanks thank school work
        hospital lawyer papers without if it of to in on at be"""),
    "es": _words("""yo mi mis tu usted ustedes es son estoy tengo tiene puedo puede como donde
        que cuando porque quien necesito ayuda quiero con para por sin este esta eso
        hay ellos nosotros nuestro hijo hija escuela trabajo hospital abogado papeles
        gracias también tambien pero muy los las del una uno si sí no"""),
    "pl": _words("""ja mój moja moje mi mnie ty pan pani jest są jestem mam ma mogę może jak
        gdzie co kiedy dlaczego kto potrzebuję pomoc pomocy chcę z ze dla bez ten ta
        to tam oni my nasz syn córka szkoła szkole praca pracy szpital prawnik
        dokumentów dziękuję dzięki też ale bardzo czy nie tak się"""),
    "fr": _words("""je j moi mon ma mes tu vous est sont suis ai avez a peux peut pouvez
        comment où quoi quand pourquoi qui besoin aide veux avec pour sans ce
        cette ces il ils elle nous notre fils fille école travail hôpital avocat
        papiers merci aussi mais très les des une un au aux dans sur pas ne est-ce
        qu l d c s"""),
    "ht": _words("""mwen m ou w li nou gen genyen pa kapab kijan kouman kote ki kisa
        kilè poukisa bezwen ede èd vle avèk avek ak pou san sa nan yon pitit
        lekòl lekol travay lopital avoka papye mèsi mesi tou anpil eske èske
        konnen fè paske"""),
    "pt": _words("""eu não nao você voce estou tenho meu minha meus como posso preciso
        obrigado obrigada também tambem então entao isso muito ajuda onde quero
        filho escola hoje agora trabalho está esta são sao uma vocês"""),
    "de": _words("""ich nicht und ist der die das mein meine kann wie wo bitte danke haben
        habe sind wir sie mit auf für fur ein eine kein hilfe"""),
    "vi": _words("""tôi không có là của và được cho với người này một những làm giúp bạn
        anh chị em đi ở khi sao"""),
    "tl": _words("""ako ang mga ng sa hindi ko ka siya kami tayo po ba paano saan salamat
        gusto kailangan anak trabaho"""),
    "it": _words("""sono non mio mia come posso grazie aiuto dove voglio figlio scuola lavoro
        perché perche della gli anche"""),
    "tr": _words("""ben bir ve bu ne nasıl yardım teşekkür değil var yok için çok"""),
}

# Greetings, thanks and a few words only one language's speakers write.
TELLING: Mapping[str, frozenset[str]] = {
    "en": _words("hello hi thanks thank please help lawyer"),
    "es": _words("hola gracias buenas buenos ayuda abogado ayudeme ayúdeme"),
    "pl": _words("cześć dzień dobry dziękuję dzięki pomocy prawnik witam"),
    "fr": _words("bonjour bonsoir merci salut avocat aidez"),
    "ht": _words("bonjou bonswa mèsi mesi mwen avoka kijan"),
    "pt": _words("olá obrigado obrigada advogado"),
    "de": _words("hallo danke bitte anwalt"),
    "it": _words("ciao grazie avvocato"),
}

# Latin-script languages: scored by letters and words rather than by script.
LATIN = frozenset(
    {"en", "es", "fr", "ht", "pl", "pt", "de", "it", "vi", "tl", "nl", "tr", "ro", "so", "sw"}
)
