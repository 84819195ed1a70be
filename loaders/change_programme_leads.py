"""Lead organisations from the prose of a Change Programme "Who are the lead organisations?"
section.

The section is sometimes a list (one name a line), sometimes sentences ("COSLA and the
Scottish Government have taken on lead responsibility ... More broadly, Community Planning
Partnerships and Children’s Services Planning Partnerships have a key role to play").
Names come from two places: Markdown links (the document links named bodies), and unlinked
noun phrases that end in an organisational head noun ("Partnerships", "Providers",
"Authorities", "Group", ...), so that topics such as "Mental Health and Wellbeing" are not
mistaken for bodies. Sentences that name bodies in a secondary role ("a key ongoing role,
including but not limited to", "will link with") give supporting bodies, not leads; the
commissioner in "X has commissioned Y to lead" is neither.
"""

from __future__ import annotations

import re

from govgraph.loaders.resolve import normalise

_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")
_TOKEN = re.compile(r"\x00\d+\x00|[A-Za-z0-9’'\-]+|[^\sA-Za-z0-9]")
_SUPPORTING = re.compile(r"including but not limited to|key ongoing role|\blink with\b", re.I)

HEADS = {
    "agency", "alliance", "authorities", "authority", "bodies", "body", "board", "boards",
    "centre", "collaborative", "commission", "committee", "council", "forum", "foundation",
    "government", "group", "groups", "inspectorate", "institution", "institutions", "network",
    "organisation", "organisations", "parliament", "partnership", "partnerships", "programme",
    "provider", "providers", "regulator", "regulators", "scotland", "team",
}  # fmt: skip
"""Last words of an organisation's name; lower-case ones only in LOWER_HEADS."""
LOWER_HEADS = {
    "authorities", "boards", "organisations", "partnerships", "provider", "providers",
    "regulators",
}  # fmt: skip
"""Heads of generic lower-case names: "care providers", "local authorities"."""
MODIFIERS = {
    "advocacy", "aid", "care", "court", "education", "health", "legal", "local", "public",
    "secure", "sector", "services", "social", "third", "tribunal", "work",
}  # fmt: skip
"""Lower-case words that may stand inside a name: "third sector organisations"."""


def lead_names(lines: list[str]) -> tuple[list[str], list[str]]:
    """(leads, supporting bodies) named by the raw lines of a lead section, as written,
    in document order, without repeats."""
    leads: list[str] = []
    supporting: list[str] = []
    for line in lines:
        for sentence, links in _sentences(line):
            names = _names(sentence, links)
            target = supporting if _SUPPORTING.search(_plain(sentence, links)) else leads
            target.extend(names)
    leads = _unique(leads)
    lead_keys = {normalise(n) for n in leads}
    return leads, [n for n in _unique(supporting) if normalise(n) not in lead_keys]


def _sentences(line: str) -> list[tuple[str, list[str]]]:
    """Sentences of a line, with links replaced by numbered placeholders."""
    links: list[str] = []

    def hold(match: re.Match[str]) -> str:
        links.append(match.group(1).replace("\\(", "(").replace("\\)", ")"))
        return f"\x00{len(links) - 1}\x00"

    held = _LINK.sub(hold, line).replace("**", "")
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\x00])", held)
    return [(p, links) for p in parts if p.strip()]


def _plain(sentence: str, links: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], sentence)


def _names(sentence: str, links: list[str]) -> list[str]:
    commissioned = re.search(r"\bcommissioned\b", sentence, re.I)
    if commissioned:
        sentence = sentence[commissioned.end() :]
    tokens = _TOKEN.findall(sentence)
    found: list[tuple[int, str]] = []
    for index, token in enumerate(tokens):
        if token.startswith("\x00"):
            for name in _link_names(links[int(token.strip("\x00"))]):
                found.append((index, name))
    index = len(tokens) - 1
    while index >= 0:
        start = _phrase_start(tokens, index)
        if start is None:
            index -= 1
            continue
        found.append((start, " ".join(tokens[start : index + 1])))
        index = start - 1
    return [name for _, name in sorted(found, key=lambda pair: pair[0])]


def _link_names(text: str) -> list[str]:
    """A link may name two bodies ('NHS Education for Scotland, Nursing and Midwifery
    Council') or carry a qualifier ('..., for early years in particular.')."""
    parts = [p.strip().rstrip(".;:") for p in text.split(",")]
    return [p for p in parts if p and (p[0].isupper() or p[0].isdigit())]


def _is_word(token: str) -> bool:
    return bool(token) and token[0].isalnum()


def _phrase_start(tokens: list[str], head: int) -> int | None:
    """Index where the organisation name ending at ``tokens[head]`` begins, if it is one."""
    word = tokens[head]
    lower = word.lower()
    if not _is_word(word) or lower not in HEADS:
        return None
    if word[0].islower() and lower not in LOWER_HEADS:
        return None
    start = head
    while start > 0:
        previous = tokens[start - 1]
        if not _is_word(previous):
            break
        if previous.lower() == "and":
            if _joined_modifier(tokens, start - 2):
                start -= 2
            break
        if previous[0].islower() and previous.lower() in LOWER_HEADS:
            break  # "... provider Local Authorities": two names, not one
        if previous[0].isupper() or previous.lower() in MODIFIERS:
            start -= 1
            continue
        break
    return start if start < head else None


def _joined_modifier(tokens: list[str], index: int) -> bool:
    """Whether ``tokens[index]`` is a lone modifier joined by 'and' to the rest of the name
    ("Advocacy and Legal services Providers"), not the end of a previous name."""
    if index < 0 or not _is_word(tokens[index]) or tokens[index].lower() in HEADS:
        return False
    word = tokens[index]
    if not (word[0].isupper() or word.lower() in MODIFIERS):
        return False
    before = tokens[index - 1] if index > 0 else ""
    return not _is_word(before) or not (before[0].isupper() or before.lower() in MODIFIERS)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = normalise(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out
