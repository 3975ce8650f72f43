"""Finds procedures the way residents ask for them: without diacritics, with typos and
abbreviations (`dkkd`, `gpxd`), by a few words of the name, or by national code.

The published catalogue (hundreds to a few thousand rows) is held in memory per process
and rebuilt when it changes, so the same ranking runs on SQLite and PostgreSQL.
"""

import re
import threading
import time
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.urls import reverse

from portal.text import fold, nfc
from procedures.models import Field, Level, Procedure, Status

VERSION_CHECK_SECONDS = 30.0
_WORD = re.compile(r"[a-z0-9]+")
_CODE = re.compile(r"^\s*(\d\.\d{6})\s*$")

# Whole-query abbreviations residents use, folded.
ABBREVIATIONS = {
    "dkkd": "dang ky kinh doanh",
    "dkhkd": "dang ky ho kinh doanh",
    "hkd": "ho kinh doanh",
    "gpxd": "giay phep xay dung",
    "htx": "hop tac xa",
    "xntthn": "xac nhan tinh trang hon nhan",
    "cccd": "can cuoc",
}
# Everyday phrases for the catalogue's wording, folded.
PHRASES = {"xin phep": "giay phep", "xay nha": "xay dung", "doc than": "tinh trang hon nhan"}
# Words that carry no meaning in a request ("làm giấy khai sinh cho con").
STOPWORDS = {"lam", "thu", "tuc", "cho", "con", "toi", "xin", "o", "dau", "the", "nao", "giay"}
# "giấy" is a stopword only when the rest still finds something: "giấy phép" keeps it.
KEEP_WITH = {"giay": {"phep", "to", "chung", "xac"}}


@dataclass(frozen=True, slots=True)
class ProcedureHit:
    pk: int
    code: str
    name: str
    slug: str
    field: str
    field_label: str
    level_label: str
    moved_from_district: bool | None
    online_level: str
    url: str
    words: frozenset[str] = field(repr=False, default=frozenset())
    folded: str = field(repr=False, default="")


@dataclass
class _Catalogue:
    version: tuple
    hits: list[ProcedureHit]


def procedure_search(
    *,
    query: str = "",
    field_value: str = "",
    moved: bool = False,
    online: str = "",
    limit: int = 20,
) -> list[ProcedureHit]:
    catalogue = _catalogue()
    candidates = [
        hit
        for hit in catalogue.hits
        if (not field_value or hit.field == field_value)
        and (not moved or hit.moved_from_district)
        and (not online or hit.online_level == online)
    ]
    code = _CODE.match(query)
    if code:
        return [hit for hit in candidates if hit.code == code.group(1)][:limit]
    words = _query_words(query)
    if not words:
        return sorted(candidates, key=lambda hit: hit.folded)[:limit] if not query.strip() else []
    typed = nfc(query).lower().strip()
    scored = []
    for hit in candidates:
        score = _score(hit, words, typed)
        if score > 0:
            scored.append((score, hit))
    scored.sort(key=lambda item: (-item[0], len(item[1].name), item[1].folded))
    return [hit for _, hit in scored[:limit]]


def _query_words(query: str) -> list[str]:
    folded = fold(query)
    folded = ABBREVIATIONS.get(folded.strip(), folded)
    for phrase, replacement in PHRASES.items():
        folded = folded.replace(phrase, replacement)
    words = _WORD.findall(" ".join(ABBREVIATIONS.get(w, w) for w in folded.split()))
    meaningful = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in STOPWORDS and following not in KEEP_WITH.get(word, ()):
            continue
        meaningful.append(word)
    return meaningful


def _score(hit: ProcedureHit, words: list[str], typed: str) -> float:
    matched = 0.0
    for word in words:
        if word in hit.words:
            matched += 1.0
        elif len(word) >= 3 and any(w.startswith(word) for w in hit.words):
            matched += 0.8
        elif len(word) >= 4 and any(_one_edit(word, w) for w in hit.words):
            matched += 0.6
    if matched < len(words) * 0.75:
        return 0.0
    score = matched
    phrase = " ".join(words)
    if phrase in hit.folded:
        score += 2.0
    if typed and typed in hit.name.lower():
        score += 1.0  # the exact accents, the whole phrase
    return score


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or swap."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


_lock = threading.Lock()
_cached: _Catalogue | None = None
_checked_at = 0.0


def _version() -> tuple:
    published = Procedure.objects.filter(status=Status.PUBLISHED)
    summary = published.aggregate(latest=Max("updated_at"), count=Count("pk"))
    return (summary["latest"], summary["count"])


def _catalogue() -> _Catalogue:
    global _cached, _checked_at
    if _cached is not None and time.monotonic() - _checked_at < VERSION_CHECK_SECONDS:
        return _cached
    with _lock:
        version = _version()
        if _cached is None or _cached.version != version:
            _cached = _build(version)
        _checked_at = time.monotonic()
        return _cached


def search_index_reset() -> None:
    global _cached
    with _lock:
        _cached = None


def _build(version: tuple) -> _Catalogue:
    fields, levels = dict(Field.choices), dict(Level.choices)
    hits = []
    rows = Procedure.objects.filter(status=Status.PUBLISHED).values_list(
        "pk", "code", "name", "slug", "field", "level", "moved_from_district", "online_level"
    )
    for pk, code, name, slug, field_value, level, moved, online in rows:
        folded = " ".join(_WORD.findall(fold(name)))
        field_words = _WORD.findall(fold(str(fields.get(field_value, ""))))
        hits.append(
            ProcedureHit(
                pk=pk,
                code=code,
                name=name,
                slug=slug,
                field=field_value,
                field_label=str(fields.get(field_value, "")),
                level_label=str(levels.get(level, "")),
                moved_from_district=moved,
                online_level=online,
                url=reverse("procedures:detail", kwargs={"slug": slug}),
                words=frozenset([*folded.split(), *field_words]),
                folded=folded,
            )
        )
    return _Catalogue(version=version, hits=hits)
