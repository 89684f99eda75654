"""Marks a string for the translation catalog without translating it.

The functional core holds the English source text of every sentence (as data);
the shell looks it up in the reader's catalog when it renders.
"""


def N_(message: str) -> str:
    return message
