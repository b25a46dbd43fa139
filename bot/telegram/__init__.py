"""The Telegram shell: a thin adapter between the Bot API and the engine.

Every decision about what to say stays in `bot.engine`; this package only turns
updates into `Incoming` messages and `Reply` objects into Bot API calls.
"""
