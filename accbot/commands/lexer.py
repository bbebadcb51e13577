"""Split command text into tokens the way a user means it.

Quoting is shell-like but forgiving of chat: a quote opens a quoted part only at the start
of a token or right after a ``k=`` (so ``O'Brien`` and ``it's`` stay plain words);
typographic quotes (“ ” ‘ ’ „), which Slack clients often substitute, count as quotes;
a backslash escapes a quote or another backslash. Slack's formatting arrives escaped
(``&amp; &lt; &gt;``) and with control sequences (``<#C123|name>``, ``<@U123|bob>``,
``<https://x.example|x.example>``): entities are decoded, links become the text the user
typed, and a mention standing alone becomes a token carrying the mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from accbot.commands.errors import CommandError

DOUBLE_QUOTES = frozenset('"“”„')
SINGLE_QUOTES = frozenset("'‘’‚")
QUOTES = DOUBLE_QUOTES | SINGLE_QUOTES
ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}  # &amp; last: "&amp;lt;" is "&lt;"

# <#C123|name>, <@U123|name>, <!subteam^S123|@team>, <https://...|label>; no nesting.
_CONTROL = re.compile(r"<([^<>|\s]+)(?:\|([^<>]*))?>")


@dataclass(frozen=True)
class Mention:
    """A Slack mention as sent with escaping on: kind '#' (channel), '@' (user), '!' (group)."""

    kind: str
    id: str
    label: str | None

    def display(self) -> str:
        return f"{self.kind}{self.label or self.id}"


@dataclass(frozen=True)
class Token:
    """One word of the command.

    ``key`` is set for a ``k=v`` pair (the name before the first unquoted ``=``), with
    ``value`` then holding only the value; ``quoted`` says any part was quoted (so a quoted
    ``"--test"`` is a plain word, not an option); ``end`` indexes the text after the token.
    """

    text: str
    value: str
    quoted: bool
    end: int
    key: str | None = None
    mention: Mention | None = None

    @property
    def option(self) -> tuple[str, str | None] | None:
        """``(name, value)`` for ``--name`` / ``--name=value`` (an em dash, which chat
        clients make of ``--``, counts too); None for any other token."""
        head = self.key if self.key is not None else (None if self.quoted else self.value)
        if head is None or self.mention is not None:
            return None
        for dash in ("--", "—", "–"):
            if head.startswith(dash) and len(head) > len(dash):
                name = "--" + head[len(dash) :]
                return name.lower(), (self.value if self.key is not None else None)
        return None


def _control_token(match: re.Match[str]) -> tuple[str, Mention | None]:
    target, label = match.group(1), match.group(2)
    if target.startswith("#"):
        return f"#{label or target[1:]}", Mention("#", target[1:], label or None)
    if target.startswith("@"):
        return f"@{label or target[1:]}", Mention("@", target[1:], label or None)
    if target.startswith("!"):
        # <!subteam^S123|@team>, <!here>: the label already carries its '@'.
        shown = label or f"@{target[1:]}"
        return shown, Mention("!", target[1:].removeprefix("subteam^"), label or None)
    # A link: Slack turned what the user typed into <url|typed>; give back what was typed.
    return label or target, None


class Lexer:
    """Reads tokens lazily, so a command can take the rest of the line as free text."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def rest(self) -> str:
        """The untokenized remainder, decoded, with one pair of enclosing quotes removed."""
        raw = self.text[self.pos :].strip()
        self.pos = len(self.text)
        decoded = _CONTROL.sub(lambda m: _control_token(m)[0], raw)
        for entity, char in ENTITIES.items():
            decoded = decoded.replace(entity, char)
        if len(decoded) >= 2 and decoded[0] in QUOTES and _closes(decoded[0], decoded[-1]):
            decoded = decoded[1:-1].strip()
        return decoded

    def __iter__(self) -> Iterator[Token]:
        while (token := self.next()) is not None:
            yield token

    def next(self) -> Token | None:
        text = self.text
        while self.pos < len(text) and text[self.pos].isspace():
            self.pos += 1
        if self.pos >= len(text):
            return None
        start = self.pos
        whole = _CONTROL.match(text, start)
        if whole and (whole.end() == len(text) or text[whole.end()].isspace()):
            shown, mention = _control_token(whole)
            if mention is not None:
                self.pos = whole.end()
                return Token(text[start : self.pos], shown, False, self.pos, mention=mention)
        return self._word(start)

    def _word(self, start: int) -> Token:
        text = self.text
        buf: list[str] = []
        key: str | None = None
        quoted = False
        segment_start = True  # at the token's start or right after its first '='
        i = start
        while i < len(text) and not text[i].isspace():
            char = text[i]
            if char in QUOTES and segment_start:
                value, i = self._quoted(i)
                buf.append(value)
                quoted = True
                segment_start = False
            elif char == "=" and key is None:
                key, buf, quoted, segment_start = "".join(buf), [], False, True
                i += 1
            else:
                piece, i = self._plain_char(i)
                buf.append(piece)
                segment_start = False
        self.pos = i
        return Token(text[start:i], "".join(buf), quoted, i, key=key)

    def _plain_char(self, i: int) -> tuple[str, int]:
        text = self.text
        char = text[i]
        if char == "\\" and i + 1 < len(text) and (text[i + 1] in QUOTES or text[i + 1] == "\\"):
            return text[i + 1], i + 2
        if char == "&":
            for entity, decoded in ENTITIES.items():
                if text.startswith(entity, i):
                    return decoded, i + len(entity)
        if char == "<":
            link = _CONTROL.match(text, i)
            if link:
                return _control_token(link)[0], link.end()
        return char, i + 1

    def _quoted(self, open_at: int) -> tuple[str, int]:
        text = self.text
        opener = text[open_at]
        out: list[str] = []
        i = open_at + 1
        while i < len(text):
            char = text[i]
            if _closes(opener, char):
                return "".join(out), i + 1
            if (
                char == "\\"
                and i + 1 < len(text)
                and (text[i + 1] in QUOTES or text[i + 1] == "\\")
            ):
                out.append(text[i + 1])
                i += 2
                continue
            piece, i = self._plain_char(i)
            out.append(piece)
        raise CommandError(
            f"unbalanced quote {opener} (no closing quote after {text[open_at : open_at + 20]!r})"
        )


class WordLexer(Lexer):
    """Tokens from words already split, e.g. a shell's argv: each word is one token,
    taken as it is. The shell has removed quotes and nothing is Slack-escaped, so no
    quote, entity, link or mention is interpreted; ``k=v`` and ``--option`` keep their
    meaning (``k=two words`` is one pair)."""

    def __init__(self, words: list[str]):
        super().__init__(" ".join(words))
        self.words = list(words)
        self.index = 0

    def rest(self) -> str:
        rest = " ".join(self.words[self.index :]).strip()
        self.index = len(self.words)
        return rest

    def next(self) -> Token | None:
        if self.index >= len(self.words):
            return None
        word = self.words[self.index]
        self.index += 1
        # A word with spaces in it was quoted in the shell: it is one value, never split.
        quoted = any(char.isspace() for char in word)
        key, sep, value = word.partition("=")
        if sep:
            return Token(word, value, quoted, self.index, key=key)
        return Token(word, word, quoted, self.index)


def _closes(opener: str, char: str) -> bool:
    if opener in DOUBLE_QUOTES:
        return char in DOUBLE_QUOTES and char != "„"
    return char in SINGLE_QUOTES and char != "‚"
