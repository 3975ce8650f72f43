"""Resolves a former address, typed however residents type it, to the former units it
names and the new units those went into.

A query is folded (no diacritics, `đ`→`d`), its abbreviations expanded (`P.`, `Q.`, `TP.`,
`HN`), cut into segments at commas and dashes, and every run of up to six words in a
segment is looked up as a ward, district, province or new-unit name: exactly, or, for
words nothing else explains, within one or two typing mistakes. Each former unit a run
names is scored by how much of the query it explains: its name and type, its district and
its province. The index itself is built from the database in `wards.resolver_index`.
"""

import heapq
import re
from collections import defaultdict
from dataclasses import dataclass, field

from portal.text import fold, name_key, nfc

MAX_SPAN = 6
FUZZY_MIN_LENGTH = 5
# A name found with one typing mistake counts for 70% of an exact match, with two for 50%.
FUZZY_QUALITY = {1: 0.7, 2: 0.5}
WARD_WEIGHT, DISTRICT_WEIGHT = 3.0, 2.0
OWN_TYPE_BONUS, OTHER_TYPE_PENALTY = 2.0, 1.0
ACCENT_BONUS = 1.0
NEW_UNIT_PENALTY = 0.5
UNEXPLAINED_WORD_PENALTY = 0.5
HANOI_BONUS = 1.0
HANOI_CODE = "01"

WARD_TYPES = {"phuong": "phuong", "xa": "xa", "thi tran": "thi_tran", "dac khu": "dac_khu"}
DISTRICT_TYPES = {"quan": "quan", "huyen": "huyen", "thi xa": "thi_xa", "thanh pho": "thanh_pho"}
PROVINCE_TYPES = {"tinh": "tinh", "thanh pho": "thanh_pho"}
TYPE_PHRASES = sorted(
    {tuple(p.split()) for p in (*WARD_TYPES, *DISTRICT_TYPES, *PROVINCE_TYPES)},
    key=len,
    reverse=True,
)
TYPE_WORDS = {word for phrase in TYPE_PHRASES for word in phrase}
ABBREVIATIONS = {
    "p": ["phuong"],
    "f": ["phuong"],
    "x": ["xa"],
    "tt": ["thi", "tran"],
    "q": ["quan"],
    "h": ["huyen"],
    "tx": ["thi", "xa"],
    "tp": ["thanh", "pho"],
    "hn": ["ha", "noi"],
    "hcm": ["ho", "chi", "minh"],
    "tphcm": ["thanh", "pho", "ho", "chi", "minh"],
}
_NUMBERED = re.compile(r"^([pfq])(\d+)$")
_TOKEN = re.compile(r"[a-z0-9']+")
_SEGMENT_BREAK = re.compile(r"[,;|/\n()]+|\s[-–—]+\s*|[-–—]+\s")
_DASH = re.compile(r"[-–—]")
_CODE = re.compile(r"^\s*(\d{5})\s*$")


@dataclass(frozen=True, slots=True)
class Successor:
    code: str
    name: str
    province: str
    is_default: bool
    url: str


@dataclass(frozen=True, slots=True)
class FormerEntry:
    pk: int
    code: str
    name: str
    district: str
    province: str
    ward_key: str
    ward_name_key: tuple
    ward_type: str
    district_code: str
    province_codes: frozenset[str]
    successors: tuple[Successor, ...]

    @property
    def divided(self) -> bool:
        return len(self.successors) > 1

    @property
    def in_hanoi(self) -> bool:
        return HANOI_CODE in self.province_codes


@dataclass(frozen=True, slots=True)
class Match:
    entry: FormerEntry
    score: float


def _mask(start: int, end: int) -> int:
    """The words start..end-1 as bits of an int."""
    return ((1 << (end - start)) - 1) << start


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    quality: float
    mask: int


@dataclass(slots=True)
class _Query:
    tokens: list[str] = field(default_factory=list)
    originals: list[str] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)
    has_diacritics: bool = False
    type_before: list[tuple[str, ...] | None] = field(default_factory=list)


@dataclass(slots=True)
class _Hits:
    wards: list[tuple[int, _Hit]] = field(default_factory=list)
    districts: dict[str, list[_Hit]] = field(default_factory=lambda: defaultdict(list))
    provinces: dict[str, list[_Hit]] = field(default_factory=lambda: defaultdict(list))
    units: list[tuple[str, str, _Hit]] = field(default_factory=list)


@dataclass
class AddressIndex:
    entries: list[FormerEntry] = field(default_factory=list)
    by_code: dict[str, int] = field(default_factory=dict)
    wards: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    districts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    district_types: dict[str, str] = field(default_factory=dict)
    district_entries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    provinces: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    units: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    unit_entries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    deletes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    dashed_names: re.Pattern | None = None
    # Tells this process's successive indexes apart: a key for answers derived from one.
    generation: int = 0

    def resolve(self, text: str, limit: int = 10) -> list[Match]:
        """The former units the text most likely names, best first."""
        code = _CODE.match(text)
        if code and code.group(1) in self.by_code:
            return [Match(self.entries[self.by_code[code.group(1)]], 100.0)]
        query = self._parse(text)
        if not query.tokens:
            return []
        scores = _Ranking(self, query, self._lookup(query)).scores(limit)
        best = heapq.nsmallest(
            limit, scores.items(), key=lambda item: (-item[1], self.entries[item[0]].code)
        )
        return [Match(self.entries[index], round(score, 2)) for index, score in best]

    def _parse(self, text: str) -> _Query:
        original = nfc(text).lower()
        folded = original.translate(_FOLD_TABLE)
        if self.dashed_names is not None:
            # A name with a dash in it (Văn Miếu - Quốc Tử Giám) must not be cut there; the
            # dash becomes a space, which keeps offsets aligned with the original.
            folded = self.dashed_names.sub(lambda m: _DASH.sub(" ", m[0]), folded)
        query = _Query(has_diacritics=folded != original)
        for number, (start, stop) in enumerate(_segments(folded)):
            for token in _TOKEN.finditer(folded, start, stop):
                raw = original[token.start() : token.end()]
                for word in _expand(token.group()):
                    query.tokens.append(word)
                    query.originals.append(raw if word == token.group() else word)
                    query.segment.append(number)
        query.type_before = [_type_before(query.tokens, i) for i in range(len(query.tokens))]
        return query

    def _spans(self, query: _Query):
        """Runs of up to MAX_SPAN words within a segment that do not cut a two-word type
        phrase in half (`thanh` of `thanh pho` is no commune named Thanh)."""
        tokens = query.tokens
        cut = {
            i
            for i in range(len(tokens) - 1)
            if (tokens[i], tokens[i + 1]) in _TWO_WORD_TYPES
            and query.segment[i] == query.segment[i + 1]
        }
        for start in range(len(tokens)):
            if start - 1 in cut:
                continue
            for end in range(start + 1, min(start + MAX_SPAN, len(tokens)) + 1):
                if query.segment[end - 1] != query.segment[start]:
                    break
                if end - 1 not in cut:
                    yield start, end, " ".join(tokens[start:end])

    def _lookup(self, query: _Query) -> _Hits:
        hits = _Hits()
        spans = list(self._spans(query))
        explained = 0
        for start, end, phrase in spans:
            hit = _Hit(start, end, 1.0, _mask(start, end))
            if self._collect(phrase, hit, hits) and end - start > 1:
                explained |= hit.mask
        for index, token in enumerate(query.tokens):
            if token in TYPE_WORDS:
                explained |= 1 << index
        for start, end, phrase in spans:
            # Typing mistakes are looked for only in words that no exact name of two or
            # more words (nor a type word) already explains.
            mask = _mask(start, end)
            if mask & ~explained == 0:
                continue
            for key in self._near(phrase):
                quality = FUZZY_QUALITY[min(_distance(phrase, key), 2)]
                self._collect(key, _Hit(start, end, quality, mask), hits, provinces=False)
        return hits

    def _collect(self, key: str, hit: _Hit, hits: _Hits, provinces: bool = True) -> bool:
        found = False
        for index in self.wards.get(key, ()):
            hits.wards.append((index, hit))
            found = True
        for district_code in self.districts.get(key, ()):
            hits.districts[district_code].append(hit)
            found = True
        for unit_code, unit_type in self.units.get(key, ()):
            hits.units.append((unit_code, unit_type, hit))
            found = True
        for province_code in self.provinces.get(key, ()) if provinces else ():
            hits.provinces[province_code].append(hit)
            found = True
        return found

    def _near(self, phrase: str) -> set[str]:
        """Names within one deletion of the phrase on either side (SymSpell): one or two
        typing mistakes, a swapped pair of letters included."""
        if len(phrase) < FUZZY_MIN_LENGTH:
            return set()
        near = set(self.deletes.get(phrase, ()))
        for variant in one_deletion(phrase):
            near |= self.deletes.get(variant, set())
        near.discard(phrase)
        return near


class _Ranking:
    """Scores the candidates one query's hits name."""

    def __init__(self, index: AddressIndex, query: _Query, hits: _Hits):
        self.index, self.query, self.hits = index, query, hits
        self.words = len(query.tokens)
        self.district_options = {
            code: sorted(
                (
                    self._name_score(
                        hit, index.district_types[code], DISTRICT_TYPES, DISTRICT_WEIGHT
                    )
                    for hit in code_hits
                ),
                reverse=True,
            )
            for code, code_hits in hits.districts.items()
        }
        self.province_options = {
            code: sorted((self._province_score(hit) for hit in code_hits), reverse=True)
            for code, code_hits in hits.provinces.items()
        }
        self.best_province = max(
            (options[0][0] for options in self.province_options.values()), default=0.0
        )
        self.best: dict[int, float] = {}
        # Set once a former unit's own name, with its district and province, explains
        # every word: then the query is an address, not a new unit or a district named
        # alone, and those readings are not scored.
        self.explained_fully = False

    def scores(self, limit: int) -> dict[int, float]:
        query = self.query
        typed_keys: dict[tuple[int, int], tuple] = {}
        for index, hit in self.hits.wards:
            entry = self.index.entries[index]
            base, mask = self._name_score(hit, entry.ward_type, WARD_TYPES, WARD_WEIGHT)
            if query.has_diacritics and hit.quality == 1.0:
                span = (hit.start, hit.end)
                if span not in typed_keys:
                    typed_keys[span] = name_key(" ".join(query.originals[span[0] : span[1]]))
                if typed_keys[span] == entry.ward_name_key:
                    base += ACCENT_BONUS
            if self._consider(index, base, mask):
                self.explained_fully = True
        if self.explained_fully:
            # The query is an address and its best reading explains all of it: readings
            # worth less than half of that are noise, not alternatives.
            floor = max(self.best.values()) / 2
            return {index: score for index, score in self.best.items() if score >= floor}
        for unit_code, unit_type, hit in self.hits.units:
            base, mask = self._name_score(hit, unit_type, WARD_TYPES, WARD_WEIGHT)
            for index in self.index.unit_entries.get(unit_code, ()):
                self._consider(index, base - NEW_UNIT_PENALTY, mask)
        # A district named alone stands for its former units; skip a district whose best
        # possible score cannot reach the results already found.
        threshold = heapq.nlargest(limit, self.best.values())[-1] if self.best else None
        for code, options in self.district_options.items():
            ceiling = options[0][0] + self.best_province + HANOI_BONUS
            if threshold is not None and len(self.best) >= limit and ceiling < threshold:
                continue
            for index in self.index.district_entries.get(code, ()):
                if index not in self.best:
                    self._consider(index, 0.0, 0)
        return self.best

    def _consider(self, index: int, base: float, mask: int) -> bool:
        """Score one candidate; True when it explains every word of the query and its
        district or province is among them (an address, not a bare name)."""
        entry = self.index.entries[index]
        score, base_mask = base, mask
        for value, district_mask in self.district_options.get(entry.district_code, ()):
            if not district_mask & mask:
                score += value
                mask |= district_mask
                break
        best, best_mask = 0.0, 0
        for code in entry.province_codes:
            for value, province_mask in self.province_options.get(code, ()):
                if not province_mask & mask:
                    if value > best:
                        best, best_mask = value, province_mask
                    break
        score += best
        mask |= best_mask
        unexplained = self.words - mask.bit_count()
        score -= UNEXPLAINED_WORD_PENALTY * unexplained
        context = best > 0 or mask != base_mask
        if entry.in_hanoi:
            score += HANOI_BONUS
        if score > self.best.get(index, float("-inf")):
            self.best[index] = score
        return unexplained == 0 and context

    def _name_score(self, hit: _Hit, own_type: str, kinds: dict, weight: float):
        """A name match is worth more the more words it covers, plus the type word before
        it when that is its own type (`Thị trấn Yên Viên` is not `Xã Yên Viên`)."""
        score = weight * (hit.end - hit.start) * hit.quality
        mask = hit.mask
        phrase = self.query.type_before[hit.start]
        if phrase:
            if kinds.get(" ".join(phrase)) == own_type:
                score += OWN_TYPE_BONUS
                mask |= _mask(hit.start - len(phrase), hit.start)
            else:
                score -= OTHER_TYPE_PENALTY
        return score, mask

    def _province_score(self, hit: _Hit) -> tuple[float, int]:
        mask = hit.mask
        phrase = self.query.type_before[hit.start]
        if phrase and " ".join(phrase) in PROVINCE_TYPES:
            mask |= _mask(hit.start - len(phrase), hit.start)
        return 1.0 + 0.5 * (hit.end - hit.start), mask


def _fold_table() -> dict[int, str]:
    """Each accented Latin letter to its folded letter, one character to one, so that
    offsets in the folded text match the original."""
    table = {}
    for code in range(0xC0, 0x2000):
        folded = fold(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    table[ord("’")] = table[ord("‘")] = "'"
    return table


_FOLD_TABLE = _fold_table()


def _segments(folded: str) -> list[tuple[int, int]]:
    segments, start = [], 0
    for found in _SEGMENT_BREAK.finditer(folded):
        segments.append((start, found.start()))
        start = found.end()
    segments.append((start, len(folded)))
    return segments


def _expand(token: str) -> list[str]:
    numbered = _NUMBERED.match(token)
    if numbered:
        return [*ABBREVIATIONS[numbered.group(1)], numbered.group(2)]
    return ABBREVIATIONS.get(token, [token])


_TWO_WORD_TYPES = {phrase for phrase in TYPE_PHRASES if len(phrase) == 2}
_ONE_WORD_TYPES = {phrase for phrase in TYPE_PHRASES if len(phrase) == 1}


def _type_before(tokens: list[str], start: int) -> tuple[str, ...] | None:
    """The type phrase (`thi tran`, `quan`) just before the word at start, if any."""
    if start >= 2 and (pair := (tokens[start - 2], tokens[start - 1])) in _TWO_WORD_TYPES:
        return pair
    if start >= 1 and (single := (tokens[start - 1],)) in _ONE_WORD_TYPES:
        return single
    return None


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: edits, with a swap of two neighbours as one."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def one_deletion(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def search_key(name: str) -> str:
    """A name as the index stores it: folded words joined by single spaces."""
    return " ".join(_TOKEN.findall(fold(name)))


def strip_type(full_name: str, types: dict[str, str]) -> tuple[str, str]:
    """(`quan`, `Cầu Giấy`) from `Quận Cầu Giấy`, using folded type phrases."""
    folded = fold(full_name)
    for phrase in sorted(types, key=len, reverse=True):
        if folded.startswith(phrase + " "):
            return types[phrase], full_name[len(phrase) + 1 :]
    return "", full_name
