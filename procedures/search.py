"""Finds procedures the way residents ask for them: without diacritics, with typos and
abbreviations (`dkkd`, `gpxd`), by a few words of the name, or by national code.

The published catalogue (hundreds to a few thousand rows) is held in memory per process
and rebuilt when it changes, so the same ranking runs on SQLite and PostgreSQL.
"""

import hashlib
import heapq
import itertools
import re
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max
from django.urls import reverse

from portal.process_cache import VersionedProcessCache
from portal.text import fold, nfc
from procedures.models import Field, Level, MovedStatus, Procedure, Status

VERSION_CHECK_SECONDS = 30.0
# How much a typed word counts when it is the catalogue's word, begins it, or is one
# typing mistake away; a procedure must match this share of the query's words.
EXACT, PREFIX, TYPO = 1.0, 0.8, 0.6
# A word found only in the procedure's field ("hộ tịch") counts a little less than one in
# its name, so "thay đổi hộ tịch" prefers the procedure that says so in its name.
FIELD_ONLY = 0.9
ENOUGH = 0.75
MATCH_CACHE_SIZE = 20_000
PHRASE_BONUS, ACCENT_BONUS = 2.0, 1.0
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
    moved_from_district: str
    online_level: str
    url: str
    name_en: str = ""  # the national database's English name, when it gives one
    words: frozenset[str] = field(repr=False, default=frozenset())
    folded: str = field(repr=False, default="")


@dataclass
class _Catalogue:
    """The published procedures and an inverted index of their folded words: word →
    procedures, prefix → words, one-deletion variant → words."""

    hits: list[ProcedureHit]
    generation: int = 0
    fingerprint: str = ""
    postings: dict[str, np.ndarray] = field(default_factory=dict)
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    prefixes: dict[str, set[str]] = field(default_factory=dict)
    deletions: dict[str, set[str]] = field(default_factory=dict)
    _matched: dict[str, dict[str, float]] = field(default_factory=dict)

    def matches(self, word: str) -> dict[str, float]:
        """The catalogue's words that a typed word stands for, with how much they count:
        itself, words it begins (3+ letters), words one typing mistake away (4+)."""
        found = self._matched.get(word)
        if found is None:
            found = self._find_matches(word)
            if len(self._matched) < MATCH_CACHE_SIZE:
                self._matched[word] = found
        return found

    def scores(self, found: list[dict[str, float]]) -> np.ndarray:
        """Every procedure's score: for each typed word, the most its matches count."""
        total = np.zeros(len(self.hits))
        for matches in found:
            best = np.zeros(len(self.hits))
            for word, weight in matches.items():
                indices = self.postings[word]
                best[indices] = np.maximum(best[indices], weight * self.weights[word])
            total += best
        return total

    def _find_matches(self, word: str) -> dict[str, float]:
        found = {word: EXACT} if word in self.postings else {}
        if len(word) >= 3:
            for longer in self.prefixes.get(word, ()):
                found.setdefault(longer, PREFIX)
        if len(word) >= 4:
            for variant in {word, *_deletions(word)}:
                for near in self.deletions.get(variant, ()):
                    if near not in found and _one_edit(word, near):
                        found[near] = TYPO
        return found


def procedure_search(
    *,
    query: str = "",
    field_value: str = "",
    moved: bool = False,
    online: str = "",
    limit: int = 20,
) -> list[ProcedureHit]:
    catalogue = _catalogue()
    wanted = _filter(field_value=field_value, moved=moved, online=online)
    code = _CODE.match(query)
    if code:
        return [hit for hit in catalogue.hits if hit.code == code.group(1) and wanted(hit)][:limit]
    words = query_words(query)
    if not words:
        if query.strip():
            return []
        return sorted(filter(wanted, catalogue.hits), key=lambda hit: hit.folded)[:limit]
    found = [catalogue.matches(word) for word in words]
    scores = catalogue.scores(found)
    passing = np.flatnonzero(scores >= len(words) * ENOUGH - 1e-9)
    typed = nfc(query).lower().strip()
    phrase = " ".join(words)
    scored: list[tuple[float, ProcedureHit]] = []
    best_totals: list[float] = []  # a min-heap of the `limit` best totals so far
    for index in passing[np.argsort(-scores[passing], kind="stable")].tolist():
        total = float(scores[index])
        if len(best_totals) == limit and total + PHRASE_BONUS + ACCENT_BONUS < best_totals[0]:
            break  # nothing further down can reach the first `limit` any more
        hit = catalogue.hits[index]
        if not wanted(hit):
            continue
        if phrase in hit.folded:
            total += PHRASE_BONUS
        if typed and typed in hit.name.lower():
            total += ACCENT_BONUS  # the exact accents, the whole phrase
        scored.append((total, hit))
        if len(best_totals) < limit:
            heapq.heappush(best_totals, total)
        elif total > best_totals[0]:
            heapq.heapreplace(best_totals, total)
    scored.sort(key=lambda item: (-item[0], len(item[1].name), item[1].folded))
    return [hit for _, hit in scored[:limit]]


def procedure_count(
    *, query: str = "", field_value: str = "", moved: bool = False, online: str = ""
) -> int:
    """How many procedures `procedure_search` would find with no limit, without ranking."""
    catalogue = _catalogue()
    wanted = _filter(field_value=field_value, moved=moved, online=online)
    code = _CODE.match(query)
    if code:
        return sum(1 for hit in catalogue.hits if hit.code == code.group(1) and wanted(hit))
    words = query_words(query)
    if not words:
        return 0 if query.strip() else sum(1 for hit in catalogue.hits if wanted(hit))
    scores = catalogue.scores([catalogue.matches(word) for word in words])
    passing = np.flatnonzero(scores >= len(words) * ENOUGH - 1e-9)
    return sum(1 for index in passing.tolist() if wanted(catalogue.hits[index]))


def _filter(*, field_value: str, moved: bool, online: str):
    def wanted(hit: ProcedureHit) -> bool:
        return (
            (not field_value or hit.field == field_value)
            and (not moved or hit.moved_from_district == MovedStatus.YES)
            and (not online or hit.online_level == online)
        )

    return wanted


@dataclass(frozen=True)
class SearchPage:
    hits: list[ProcedureHit]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_position(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.hits) - 1 if self.hits else 0


def procedure_search_page(*, page: int = 1, per_page: int = 10, **criteria) -> SearchPage:
    """One page of every procedure that matches, best first, and how many match in all.
    Only the pages up to the one asked for are ranked."""
    total = procedure_count(**criteria)
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    start = (number - 1) * per_page
    ranked = procedure_search(**criteria, limit=start + per_page)
    return SearchPage(
        hits=ranked[start : start + per_page], total=total, number=number, per_page=per_page
    )


def query_words(query: str) -> list[str]:
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


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


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


def _version() -> tuple:
    published = Procedure.objects.filter(status=Status.PUBLISHED)
    summary = published.aggregate(latest=Max("updated_at"), count=Count("pk"))
    return (summary["latest"], summary["count"])


def _catalogue() -> _Catalogue:
    return _cache.get()


def search_generation() -> int:
    """Changes whenever this process rebuilds its index: a key for anything derived from it."""
    return _catalogue().generation


def search_fingerprint() -> str:
    """The same for every process whose index holds the same catalogue: a key for what is
    derived from it and shared between app servers."""
    return _catalogue().fingerprint


def _fingerprint(hits: list[ProcedureHit]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for hit in hits:
        digest.update(repr((hit.slug, hit.name, hit.code, hit.field, hit.level_label)).encode())
        digest.update(repr((hit.moved_from_district, hit.online_level, hit.name_en)).encode())
    return digest.hexdigest()


def search_index_warm() -> None:
    """Build this process's index now (before an app server forks its workers)."""
    _catalogue()


def search_index_reset() -> None:
    _cache.reset()


def _build() -> _Catalogue:
    fields, levels = dict(Field.choices), dict(Level.choices)
    hits = []
    rows = Procedure.objects.filter(status=Status.PUBLISHED).values_list(
        "pk",
        "code",
        "name",
        "slug",
        "field",
        "level",
        "moved_from_district",
        "online_level",
        "name_en",
    )
    for pk, code, name, slug, field_value, level, moved, online, name_en in rows:
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
                name_en=name_en,
                words=frozenset([*folded.split(), *field_words]),
                folded=folded,
            )
        )
    catalogue = _Catalogue(hits=hits, generation=next(_generations), fingerprint=_fingerprint(hits))
    postings: dict[str, list[int]] = {}
    weights: dict[str, list[float]] = {}
    for index, hit in enumerate(hits):
        in_name = set(hit.folded.split())
        for word in hit.words:
            postings.setdefault(word, []).append(index)
            weights.setdefault(word, []).append(1.0 if word in in_name else FIELD_ONLY)
    catalogue.postings = {word: np.array(indices) for word, indices in postings.items()}
    catalogue.weights = {word: np.array(factors) for word, factors in weights.items()}
    for word in catalogue.postings:
        for end in range(3, len(word)):
            catalogue.prefixes.setdefault(word[:end], set()).add(word)
        if len(word) >= 3:
            for variant in {word, *_deletions(word)}:
                catalogue.deletions.setdefault(variant, set()).add(word)
    return catalogue


_generations = itertools.count(1)
_cache = VersionedProcessCache(
    name="procedure search index", build=_build, version=_version, check_every=VERSION_CHECK_SECONDS
)
