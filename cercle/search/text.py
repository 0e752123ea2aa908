"""Search text: one normalisation, done in Python, for SQLite and PostgreSQL alike.

Words are folded (case and accents: "Réseau" -> "reseau"), then stemmed twice,
by the French and by the English Snowball stemmers.  Each document stores both
streams ("terms_fr", "terms_en"), and a query word matches when its French stem
is in the French stream or its English stem in the English one.  So
"appels d'offres" finds "appel d'offre", "developpeurs" finds "développeur",
"networks" finds "network" — in both languages, without guessing which one a
post is written in.

Doing this here rather than with each database's own dictionaries is what
lets both engines return the same results: SQLite's FTS5 has no French
stemmer, and PostgreSQL's "french" configuration stems differently from
Snowball-in-Python.  The databases only index and match the stems (FTS5 on
SQLite, ``tsvector`` + GIN on PostgreSQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

import Stemmer

from cercle.core.text import fold

# Letters and digits, with inner hyphens kept apart: "ile-de-france" -> 3 words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_QUERY_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
MAX_QUERY_TERMS = 12

# Dropped from plain query words (kept inside quoted phrases and in the index,
# so that "appel d'offres" as a phrase still needs its "d").
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "il",
        "je",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)

_french = Stemmer.Stemmer("french")
_english = Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, str]:
    """(French stem, English stem) of a folded word."""
    return _french.stemWord(word), _english.stemWord(word)


def index_terms(text: str) -> tuple[str, str]:
    """The French and the English stem streams of ``text``, space-separated."""
    pairs = [stems(w) for w in words(text)]
    return " ".join(p[0] for p in pairs), " ".join(p[1] for p in pairs)


# A long document's stems: its first words in order (phrases match there), then each
# other distinct stem once.  Ranking reads the stems of up to 500 matches, and
# PostgreSQL's tsvector holds at most 1 MB: a 300-page file cannot give them all.
DOCUMENT_ORDERED = 3000
DOCUMENT_TERMS = 8000


def document_terms(text: str) -> tuple[str, str]:
    """``index_terms`` for a document's text, bounded (see ``DOCUMENT_TERMS``)."""
    pairs = [stems(w) for w in words(text)]
    if len(pairs) <= DOCUMENT_ORDERED:
        return " ".join(p[0] for p in pairs), " ".join(p[1] for p in pairs)
    head = pairs[:DOCUMENT_ORDERED]
    streams = []
    for side in (0, 1):
        ordered = [p[side] for p in head]
        seen = set(ordered)
        rest = []
        for pair in pairs[DOCUMENT_ORDERED:]:
            stem = pair[side]
            if stem not in seen:
                seen.add(stem)
                rest.append(stem)
                if len(ordered) + len(rest) >= DOCUMENT_TERMS:
                    break
        streams.append(" ".join(ordered + rest))
    return streams[0], streams[1]


PAGE_BREAK = "\f"  # between the pages of a document's text in the index


def first_page_matching(text: str, query: SearchQuery) -> int:
    """The index (from 0) of the first page of ``text`` where a word of ``query`` occurs.

    A page none of whose folded text contains a query word or stem (a stem is
    mostly the start of its words) is passed over without being cut into
    words: a document's pages are read for each result shown.
    """
    wanted = query.highlight_stems()
    needles = tuple(wanted | query.highlight_words())
    prefixes = tuple(s for t in query.positive if t.prefix for s in (*t.fr, *t.en))
    for index, page in enumerate(text.split(PAGE_BREAK)):
        folded = fold(page)
        if not any(needle in folded for needle in needles):
            continue
        for word in _WORD.findall(folded):
            french, english = stems(word)
            if french in wanted or english in wanted or (prefixes and word.startswith(prefixes)):
                return index
    return 0


@dataclass(frozen=True, slots=True)
class Term:
    """One query element: a word, a prefix, or a phrase; possibly excluded."""

    fr: tuple[str, ...]  # French stems (one for a word; several for a phrase)
    en: tuple[str, ...]
    prefix: bool = False  # the last word typed, still being typed
    excluded: bool = False
    words: tuple[str, ...] = ()  # the folded words, for highlighting

    @property
    def is_phrase(self) -> bool:
        return len(self.fr) > 1


@dataclass(frozen=True, slots=True)
class SearchQuery:
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.excluded)

    def __bool__(self) -> bool:
        return bool(self.positive)

    def highlight_words(self) -> set[str]:
        return {w for t in self.positive for w in t.words}

    def highlight_stems(self) -> set[str]:
        return {s for t in self.positive for s in (*t.fr, *t.en)}


def parse(q: str, *, prefix_last: bool = False) -> SearchQuery:
    """Read what the user typed: words, "phrases", -exclusions (and a prefix).

    ``prefix_last``: the last word is incomplete (suggestions as you type).
    """
    terms: list[Term] = []
    raw = _QUERY_TOKEN.findall(q[:500])
    for index, token in enumerate(raw):
        excluded = token.startswith("-") and len(token) > 1
        body = token[1:] if excluded else token
        quoted = body.startswith('"')
        found = words(body)
        if not found:
            continue
        if quoted and len(found) > 1:
            pairs = [stems(w) for w in found]
            terms.append(
                Term(
                    tuple(p[0] for p in pairs),
                    tuple(p[1] for p in pairs),
                    excluded=excluded,
                    words=tuple(found),
                )
            )
            continue
        last_token = index == len(raw) - 1
        for position, word in enumerate(found):
            is_prefix = prefix_last and last_token and position == len(found) - 1 and not quoted
            if is_prefix:
                # The index holds stems: "offres" typed must find "offre" (stem "offr"),
                # so the prefix is the stem, unless stemming changed letters.
                fr, en = (stem if word.startswith(stem) else word for stem in stems(word))
                terms.append(Term((fr,), (en,), prefix=True, excluded=excluded, words=(word,)))
            else:
                fr, en = stems(word)
                terms.append(Term((fr,), (en,), excluded=excluded, words=(word,)))
    # Stop words only count when the query is nothing but stop words.
    meaningful = [
        t for t in terms if t.is_phrase or t.prefix or t.excluded or t.words[0] not in STOP_WORDS
    ]
    if any(not t.excluded for t in meaningful):
        terms = meaningful
    unique: list[Term] = []
    for term in terms:
        if term not in unique:
            unique.append(term)
    return SearchQuery(tuple(unique[:MAX_QUERY_TERMS]))


# BM25's saturation and length normalisation (the usual values).
K1, B = 1.2, 0.75


def _occurrences(padded: str, stems: tuple[str, ...], prefix: bool) -> int:
    """How many times ``stems`` occur in a row in ``padded`` (a stream with a space at
    each end); the last one as the start of a stem for a prefix.

    Counted on the string, never split into a list: a document's stream has
    thousands of stems, and splitting the 500 of a search window was most of
    its time.  Overlapping occurrences of a phrase count once ("a a a" holds
    "a a" once), which decides a match the same way and ranks nearly alike.
    """
    needle = " " + " ".join(stems) + ("" if prefix else " ")
    return padded.count(needle)


def _length(stream: str) -> int:
    return stream.count(" ") + 1 if stream else 0


def matches(query: SearchQuery, terms_fr: str, terms_en: str) -> bool:
    """The database engines' rule, in Python: every positive term, no excluded one.

    A term is found when its French stems are in the French stream or its
    English stems in the English one (in a row for a phrase, as a start for
    a prefix).
    """
    if not query:
        return False
    fr, en = f" {terms_fr} ", f" {terms_en} "

    def found(term: Term) -> bool:
        return bool(
            _occurrences(fr, term.fr, term.prefix) or _occurrences(en, term.en, term.prefix)
        )

    return all(found(t) != t.excluded for t in query.terms)


def relevance(query: SearchQuery, terms_fr: str, terms_en: str, average_length: float) -> float:
    """How well a document (its two stem streams) answers ``query``: BM25 without IDF.

    Every match contains every positive term (matching is an AND), so IDF
    would weigh them all alike: term frequency, saturated, over the
    document's length relative to the others' is what orders them.
    """
    fr, en = f" {terms_fr} ", f" {terms_en} "
    norm = K1 * (1 - B + B * _length(terms_fr) / (average_length or 1.0))
    score = 0.0
    for term in query.positive:
        tf = max(_occurrences(fr, term.fr, term.prefix), _occurrences(en, term.en, term.prefix))
        if tf:
            score += tf * (K1 + 1) / (tf + norm)
    return score


def snippet(text: str, query: SearchQuery, *, length: int = 220) -> str:
    """Safe HTML: an extract of ``text`` around the first match, matches in ``<mark>``."""
    wanted_words = query.highlight_words()
    wanted_stems = query.highlight_stems()
    prefixes = tuple(w for t in query.positive if t.prefix for w in t.words)

    known: dict[str, bool] = {}  # a text repeats its words: each is folded and stemmed once

    def matches(token: str) -> bool:
        if token in known:
            return known[token]
        folded = fold(token)
        if not folded:
            found = False
        elif folded in wanted_words or folded.startswith(prefixes or ("\0",)):
            found = True
        else:
            fr, en = stems(folded)
            found = fr in wanted_stems or en in wanted_stems
        known[token] = found
        return found

    flat = " ".join(text.split())
    tokens = re.finditer(r"[^\W_]+", flat)
    spans: list[tuple[int, int]] = []
    for m in tokens:  # the first match decides where the extract starts
        if matches(m.group()):
            spans.append((m.start(), m.end()))
            break
    start = 0
    if spans and spans[0][0] > length // 3:
        start = flat.rfind(" ", 0, spans[0][0] - length // 3) + 1
    end = min(len(flat), start + length)
    if end < len(flat):
        cut = flat.rfind(" ", start, end)
        end = cut if cut > start else end
    for m in tokens:  # then only the extract's own words are looked at
        if m.start() >= end:
            break
        if matches(m.group()):
            spans.append((m.start(), m.end()))
    out: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for begin, finish in spans:
        if begin < start or finish > end:
            continue
        out.append(escape(flat[cursor:begin]))
        out.append(f"<mark>{escape(flat[begin:finish])}</mark>")
        cursor = finish
    out.append(escape(flat[cursor:end]))
    if end < len(flat):
        out.append("…")
    return "".join(out)
