"""The outreach kit: a static answers site, QR codes and printable flyers.

Everything is written from the same reviewed content pack the bot serves, so
paper and web pages never drift from the bot's answers.
"""
