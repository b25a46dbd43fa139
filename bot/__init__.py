"""safecity-bot: curated, multilingual answers for residents of safe cities."""

__version__ = "0.1.0"
