"""Every interface string the bot can show, marked for Babel's extractor.

The English text is the gettext msgid; translations live in
locales/<lang>/LC_MESSAGES/messages.po. Placeholders use {braces}. None of
these strings asks the resident anything about themselves.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


WELCOME = N_(
    "Welcome. I answer questions about your rights and about city services in {city}. "
    "People wrote and checked every answer."
)
PRIVACY = N_(
    "I never ask about your immigration status or who you are, and I do not keep your messages."
)
CHOOSE_TOPIC = N_("Choose a topic, or write your question in your own words.")
CATEGORY_HEADER = N_("{category}: choose a topic.")
MENU_BUTTON = N_("☰ Menu")
LANGUAGE_BUTTON = N_("🌐 Language")
SHARE_BUTTON = N_("📤 Share")
CHOOSE_LANGUAGE = N_("Choose your language.")
LANGUAGE_SET = N_("From now on I will answer in {language}.")
DECLINE = N_(
    "I am not sure I understood, and I only give answers that people have checked. "
    "Choose a topic from the menu, or write your question in other words."
)
# {contact} is the pack's help_contact: name, phone and link.
FREE_HELP = N_("Free, confidential legal help: {contact}")
DID_YOU_MEAN = N_("I found more than one possible answer. Choose the one that fits:")
NONE_OF_THESE = N_("None of these: menu")
SOURCES = N_("Sources:")
LAST_REVIEWED = N_("Last reviewed: {date}")
# For a source page that shows no date of its own.
CHECKED_ON = N_("checked on {date}")
FALLBACK_NOTE = N_("This answer is not yet available in {language}. Here it is in {fallback}.")
STALE_NOTE = N_("A newer version of this answer exists in {fallback}.")
READ_IN = N_("Read it in {language}")
STATUS_NOTE = N_("This bot never needs to know anyone's immigration status.")
GREETING = N_("Hello. Choose a topic, or write your question in your own words.")
# "help", "I need help": nothing to match yet, so an invitation and the menu.
HELP_REQUEST = N_(
    "I am here to help. Tell me in your own words what is happening, or choose a topic below."
)
THANKS = N_("You are welcome. Take care. The menu is here whenever you need it.")
SMALLTALK = N_(
    "I am an automated help bot. I answer questions about immigrant rights and city "
    "services in {city}, using answers written by people."
)
NOT_TEXT = N_(
    "I can only read text messages. Write your question in words, or choose a topic from the menu."
)
EMPTY = N_("I could not find any words in your message. Write your question, or choose a topic.")
UNSUPPORTED_LANGUAGE = N_("I cannot answer in this language yet. I can answer in:")
HELP = N_(
    "Write your question in your own words, in one of these languages: {languages}. "
    "Or tap Menu to browse the topics, and Language to change the language.\n\n"
    "I give general information, not legal advice. In an emergency, call 911."
)
STALE_BUTTON = N_("This button is out of date. Here is the menu.")
SLOW_DOWN = N_("You are sending messages very fast. Wait a moment, and I will answer.")
ERROR = N_("Something went wrong on my side. Try again in a moment.")
SHARE_TEXT = N_("Forward this link. It opens this answer in {language}:")
OPEN_IN_BOT = N_("Open in the bot")
DESCRIPTION = N_(
    "I answer questions about immigrant rights and city services in {city}, in your language, "
    "from answers written and checked by people. I never ask about your immigration status "
    "and I do not keep your messages."
)
SHORT_DESCRIPTION = N_("Immigrant rights and city services in {city}, in your language.")
CMD_START = N_("Start and show the menu")
CMD_MENU = N_("Show the menu")
CMD_LANGUAGE = N_("Change the language")
CMD_HELP = N_("How to use this bot")
CMD_ABOUT = N_("About this bot and your privacy")
CMD_PRIVACY = N_("What is kept, and what Telegram can see")
PRIVACY_BUTTON = N_("🔒 Privacy")
# Feedback under every answer: one tap, no free text; only the count is kept.
HELPFUL_BUTTON = N_("👍 Helpful")
NOT_HELPFUL_BUTTON = N_("👎 Not helpful")
REASON_WRONG_TOPIC = N_("Wrong topic")
REASON_HARD_TO_UNDERSTAND = N_("Hard to understand")
REASON_OUT_OF_DATE = N_("Out of date")
REASON_NOT_MY_LANGUAGE = N_("Not in my language")
REASON_UNANSWERED = N_("Did not answer my question")
FEEDBACK_REASONS = N_("Choose what was wrong with this answer.")
FEEDBACK_THANKS = N_("Thank you. Only the vote is counted, never who gave it.")

# The outreach kit: the static answers site, flyers and posters.
SCAN_ANSWER = N_("Scan with your phone's camera to open this answer in Telegram.")
SCAN_POSTER = N_("Scan a code with your phone's camera to open that answer in Telegram.")
SCAN_START = N_("Scan to start the bot in {language}.")
READ_ONLINE = N_("Read this answer on the web:")
QR_ALT = N_("QR code that opens this link: {link}")
CONTACTS = N_("Contacts")
SITE_PRIVACY = N_(
    "This website has no JavaScript and no cookies, and it loads nothing from other "
    "websites: no web fonts, no analytics. It works offline too, even from a USB stick. "
    "A Telegram link opens Telegram, which has its own privacy rules."
)

ALL: tuple[str, ...] = tuple(
    value for name, value in sorted(globals().items()) if name.isupper() and isinstance(value, str)
)
