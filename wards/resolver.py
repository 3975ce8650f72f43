"""Resolves a former address, typed however residents type it, to the former units it
names and the new units those went into.

A query is folded (no diacritics, `đ`→`d`), its abbreviations expanded (`P.`, `Q.`, `TP.`,
`HN`), cut into segments at commas and dashes, and every run of up to six words in a
segment is looked up as a ward, district, province or new-unit name: exactly, with its
syllables joined or split otherwise (`Krôngpắc`, `Ea Hleo` for `Ea H'leo`), or, for words
nothing else explains, within one or two typing mistakes. Each former unit a run names is
ranked first by how much of the query it explains and how well (the match quality), then by
a score that weighs its name, type, district and province. At equal or near-equal quality a
unit of Hà Nội comes first: on this portal a text that names no province means Hà Nội. The
index itself is built from the database in `wards.resolver_index`.
"""

import heapq
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from portal.text import fold, name_key, nfc

MAX_SPAN = 6
FUZZY_MIN_LENGTH = 5
# A name found with one typing mistake counts for 70% of an exact match, with two for 50%;
# written with its syllables joined or split otherwise, for 95%.
FUZZY_QUALITY = {1: 0.7, 2: 0.5}
JOINED_QUALITY = 0.95
WARD_WEIGHT, DISTRICT_WEIGHT = 3.0, 2.0
# The type word is a weak hint: residents keep writing the type a unit had before (`Xã Tây
# Tựu` for a ward since 2013) or the one it has now (`Xã Phú Xuyên` for the former thị
# trấn). It tells apart two units of one name but weighs less than the diacritics typed
# and, in the match quality, any letter of the name. A type word of another level (`Quận`
# before a commune's name) explains nothing.
OWN_TYPE_BONUS, WRONG_TYPE_PENALTY, OTHER_LEVEL_PENALTY = 0.5, 0.25, 1.0
ACCENT_BONUS = 1.0
NEW_UNIT_PENALTY, NAMESAKE_BONUS = 0.5, 0.1
UNEXPLAINED_WORD_PENALTY = 0.5
HANOI_BONUS = 1.0
# How much match quality (in words of the query) a unit of Hà Nội may lack and still come
# first: less than one typing mistake costs a two-word name (0.6).
HANOI_LEAD = 0.3
HANOI_CODE = "01"
# Match quality is added up in hundredths of a word, exactly.
_POINTS = 100
_HANOI_LEAD_POINTS = round(HANOI_LEAD * _POINTS)

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
# One Vietnamese syllable, folded (with `k` for Central Highlands finals: Đắk, Lắk): a run
# written joined that reads as one syllable (`tuan`) is not taken for two (`Tú An`).
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(?:ieu|yeu|oai|oay|oeo|uay|uoi|uou|uya|uye|uyu"
    r"|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|[aeiouy])"
    r"(?:ch|nh|ng|[cmnptk])?"
)


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
    # Syllables of the name found: more than end - start when the query joins some.
    size: int


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
    units: list[tuple[str, str, tuple, _Hit]] = field(default_factory=list)


@dataclass
class AddressIndex:
    entries: list[FormerEntry] = field(default_factory=list)
    by_code: dict[str, int] = field(default_factory=dict)
    wards: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    districts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    district_types: dict[str, str] = field(default_factory=dict)
    district_entries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    provinces: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # A new unit's name key to its (code, type, name_key(name)).
    units: dict[str, list[tuple[str, str, tuple]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unit_entries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    deletes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Every name key by its letters alone (`joined_key`): `eahleo` → [`ea h'leo`].
    joined: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
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
        ranks = _Ranking(self, query, self._lookup(query)).ranks(limit)
        best = heapq.nsmallest(
            limit,
            ranks.items(),
            key=lambda item: (-item[1][0], -item[1][1], self.entries[item[0]].code),
        )
        return [Match(self.entries[index], round(rank[1], 2)) for index, rank in best]

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
            hit = _Hit(start, end, 1.0, _mask(start, end), end - start)
            if self._collect(phrase, hit, hits) and end - start > 1:
                explained |= hit.mask
            for key in self._joined(phrase):
                size = max(key.count(" ") + 1, end - start)
                hit = _Hit(start, end, JOINED_QUALITY, _mask(start, end), size)
                if self._collect(key, hit, hits) and size > 1:
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
                hit = _Hit(start, end, quality, mask, end - start)
                self._collect(key, hit, hits, provinces=False)
        return hits

    def _collect(self, key: str, hit: _Hit, hits: _Hits, provinces: bool = True) -> bool:
        found = False
        for index in self.wards.get(key, ()):
            hits.wards.append((index, hit))
            found = True
        for district_code in self.districts.get(key, ()):
            hits.districts[district_code].append(hit)
            found = True
        for unit_code, unit_type, unit_name_key in self.units.get(key, ()):
            hits.units.append((unit_code, unit_type, unit_name_key, hit))
            found = True
        for province_code in self.provinces.get(key, ()) if provinces else ():
            hits.provinces[province_code].append(hit)
            found = True
        return found

    def _joined(self, phrase: str) -> list[str] | tuple[()]:
        """Names with the same letters whose syllables the phrase joins or splits otherwise
        (`krongpac`, `ea hleo`, `a vuong` for `krong pac`, `ea h'leo`, `avuong`)."""
        keys = self.joined.get(joined_key(phrase))
        if not keys or (len(keys) == 1 and keys[0] == phrase):
            return ()
        return [key for key in keys if key != phrase and _rejoined(phrase, key)]

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
    """Ranks the candidates one query's hits name: first by match quality, the words of the
    query a candidate explains, each counted at the quality it was found with (exact 1,
    joined 0.95, one typing mistake 0.7), plus HANOI_LEAD for a unit of Hà Nội; then by
    score, which weighs what explains them (a ward's name over a district's, its own type
    word, the diacritics typed)."""

    def __init__(self, index: AddressIndex, query: _Query, hits: _Hits):
        self.index, self.query, self.hits = index, query, hits
        self.words = len(query.tokens)
        # Per district and province named, its readings (quality, score, mask), best first;
        # a district's end with the reading that leaves it out.
        self.district_options = {
            code: [
                *sorted(
                    (
                        reading
                        for hit in code_hits
                        for reading in self._readings(
                            hit, index.district_types[code], DISTRICT_TYPES, DISTRICT_WEIGHT
                        )
                    ),
                    reverse=True,
                ),
                _NO_READING,
            ]
            for code, code_hits in hits.districts.items()
        }
        self.province_options = {
            code: sorted(
                (reading for hit in code_hits for reading in self._province_readings(hit)),
                reverse=True,
            )
            for code, code_hits in hits.provinces.items()
        }
        self.best_province = max(
            (max(o[1] for o in options) for options in self.province_options.values()),
            default=0.0,
        )
        self.best_province_quality = max(
            (options[0][0] for options in self.province_options.values()), default=0
        )
        # Per candidate (match quality, score).
        self.best: dict[int, tuple[int, float]] = {}
        self.typed_keys: dict[tuple[int, int], tuple] = {}
        # Set once a former unit's own name, with its district and province, explains
        # every word: then the query is an address, not a new unit or a district named
        # alone, and those readings are not scored.
        self.explained_fully = False

    def ranks(self, limit: int) -> dict[int, tuple[int, float]]:
        for index, hit in self.hits.wards:
            entry = self.index.entries[index]
            quality, base, mask = self._readings(hit, entry.ward_type, WARD_TYPES, WARD_WEIGHT)[0]
            base += self._accent(hit, entry.ward_name_key)
            if self._consider(index, base, mask, quality):
                self.explained_fully = True
        if self.explained_fully:
            # The query is an address and its best reading explains all of it: readings
            # worth less than half of that are noise, not alternatives.
            top = max(self.best.values())
            return {
                index: rank
                for index, rank in self.best.items()
                if rank[1] >= top[1] / 2 or rank == top
            }
        # A new unit named after one of its former units or their district (`Xã Phú
        # Xuyên`, `Phường Hà Đông`) lists those first: the same words name them twice.
        named = set()
        if self.hits.units:
            named = {(index, hit.start, hit.end) for index, hit in self.hits.wards}
            named |= {
                (code, hit.start, hit.end)
                for code, code_hits in self.hits.districts.items()
                for hit in code_hits
            }
        for unit_code, unit_type, unit_name_key, hit in self.hits.units:
            quality, base, mask = self._readings(hit, unit_type, WARD_TYPES, WARD_WEIGHT)[0]
            base += self._accent(hit, unit_name_key) - NEW_UNIT_PENALTY
            for index in self.index.unit_entries.get(unit_code, ()):
                district_code = self.index.entries[index].district_code
                namesakes = ((index, hit.start, hit.end) in named) + (
                    (district_code, hit.start, hit.end) in named
                )
                self._consider(index, base + NAMESAKE_BONUS * namesakes, mask, quality)
        # A district named alone stands for its former units; skip a district whose best
        # possible rank cannot reach the results already found.
        threshold = heapq.nlargest(limit, self.best.values())[-1] if self.best else None
        for code, options in self.district_options.items():
            if threshold is not None and len(self.best) >= limit:
                ceiling = (
                    options[0][0] + self.best_province_quality + _HANOI_LEAD_POINTS,
                    max(o[1] for o in options) + self.best_province + HANOI_BONUS,
                )
                if ceiling < threshold:
                    continue
            for index in self.index.district_entries.get(code, ()):
                self._consider(index, 0.0, 0, 0)
        return self.best

    def _accent(self, hit: _Hit, key: tuple) -> float:
        """ACCENT_BONUS when the name was typed with its own diacritics."""
        query = self.query
        if not query.has_diacritics or hit.quality != 1.0:
            return 0.0
        span = (hit.start, hit.end)
        if span not in self.typed_keys:
            self.typed_keys[span] = name_key(" ".join(query.originals[hit.start : hit.end]))
        return ACCENT_BONUS if self.typed_keys[span] == key else 0.0

    def _consider(self, index: int, base: float, mask: int, quality: int) -> bool:
        """Rank one candidate; True when it explains every word of the query and its
        district or province is among them (an address, not a bare name)."""
        entry = self.index.entries[index]
        # The best district reading and province reading that share no word with the
        # name nor each other (`Vung Tau` is the district before `Ba Ria - Vung Tau`).
        found = (-1, 0.0, 0)
        for district in self.district_options.get(entry.district_code, _NO_DISTRICT):
            if district[2] & mask:
                continue
            province = _NO_READING
            for code in entry.province_codes:
                for option in self.province_options.get(code, ()):
                    if not option[2] & (mask | district[2]):
                        if option > province:
                            province = option
                        break
            both = (district[0] + province[0], district[1] + province[1])
            if both > found[:2]:
                found = (*both, district[2] | province[2])
        quality += found[0]
        score = base + found[1]
        named_with = found[2]
        mask |= named_with
        unexplained = self.words - mask.bit_count()
        score -= UNEXPLAINED_WORD_PENALTY * unexplained
        if entry.in_hanoi:
            score += HANOI_BONUS
            quality += _HANOI_LEAD_POINTS
        rank = (quality, score)
        if rank > self.best.get(index, _UNRANKED):
            self.best[index] = rank
        return unexplained == 0 and named_with != 0

    def _readings(self, hit: _Hit, own_type: str, kinds: dict, weight: float) -> list:
        """The readings (quality, score, mask) of a name match, best first: worth more the
        more words it covers, at the quality it was found with. A type word of the name's
        level before it counts as explained, with a bonus when it is the name's own type and
        a smaller penalty when it is not (`Thị trấn Yên Viên` is not `Xã Yên Viên`, but `Xã
        Trâu Quỳ` is the former thị trấn rather than a commune of another name). The
        reading without that word comes second: it may end a name before (`ngoc quan doan
        hung`, Xã Ngọc Quan of Huyện Đoan Hùng)."""
        score = weight * hit.size * hit.quality
        quality = round(_POINTS * (hit.end - hit.start) * hit.quality)
        plain = (quality, score, hit.mask)
        phrase = self.query.type_before[hit.start]
        if not phrase:
            return [plain]
        kind = kinds.get(" ".join(phrase))
        if kind is None:
            return [(quality, score - OTHER_LEVEL_PENALTY, hit.mask)]
        typed = (
            quality + _POINTS * len(phrase),
            score + (OWN_TYPE_BONUS if kind == own_type else -WRONG_TYPE_PENALTY),
            hit.mask | _mask(hit.start - len(phrase), hit.start),
        )
        return [typed, plain]

    def _province_readings(self, hit: _Hit) -> list:
        quality = round(_POINTS * (hit.end - hit.start) * hit.quality)
        plain = (quality, (1.0 + 0.5 * hit.size) * hit.quality, hit.mask)
        phrase = self.query.type_before[hit.start]
        if not phrase or " ".join(phrase) not in PROVINCE_TYPES:
            return [plain]
        typed_mask = hit.mask | _mask(hit.start - len(phrase), hit.start)
        return [(quality + _POINTS * len(phrase), plain[1], typed_mask), plain]


_NO_READING = (0, 0.0, 0)
_NO_DISTRICT = (_NO_READING,)
_UNRANKED = (float("-inf"), float("-inf"))


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


def joined_key(key: str) -> str:
    """A name key's letters alone: `ea h'leo`, `ea hleo` and `eahleo` are all `eahleo`."""
    return key.replace(" ", "").replace("'", "")


def _breaks(key: str) -> set[int]:
    """Where in the joined key the key has a space or an apostrophe."""
    breaks, position = set(), 0
    for char in key:
        if char in " '":
            breaks.add(position)
        else:
            position += 1
    return breaks


def _rejoined(a: str, b: str) -> bool:
    """Whether two keys of the same letters differ only in syllables one writes joined that
    the other writes apart (`krongpac`/`krong pac`, `ea hleo`/`ea h'leo`), never in where
    a syllable ends (`phu can`/`phuc an`). A joined run that reads as one Vietnamese
    syllable (`tuan`) is a word of its own, not two (`Tú An`)."""
    if any(char.isdigit() for char in a):
        return False
    breaks_a, breaks_b = _breaks(a), _breaks(b)
    if breaks_a <= breaks_b:
        joined, apart = breaks_a, breaks_b
    elif breaks_b <= breaks_a:
        joined, apart = breaks_b, breaks_a
    else:
        return False
    letters = joined_key(a)
    cuts = [0, *sorted(joined), len(letters)]
    for left, right in itertools.pairwise(cuts):
        split = any(left < cut < right for cut in apart)
        if split and _SYLLABLE.fullmatch(letters[left:right]):
            return False
    return True


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
