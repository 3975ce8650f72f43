"""Vietnamese text rules: NFC storage, a folded search form, and name equality that
ignores where the tone mark sits (Hòa/Hoà) and which apostrophe was typed ('/’)."""

import re
import unicodedata

# Combining marks that carry the Vietnamese tones; the others (circumflex, breve, horn)
# belong to the vowel itself.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """NFC-normalised text with runs of white space collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """The search form: lower case, no diacritics, đ→d, plain apostrophes."""
    decomposed = unicodedata.normalize("NFD", nfc(text).translate(_APOSTROPHES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


def _word_key(word: str) -> tuple[str, tuple[str, ...]]:
    decomposed = unicodedata.normalize("NFD", word)
    tones = tuple(sorted(ch for ch in decomposed if ch in _TONE_MARKS))
    rest = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", rest), tones


def name_key(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A key equal for two spellings of one name that differ only in tone-mark placement
    or apostrophe style, and different whenever the letters or the tones differ."""
    return tuple(_word_key(word) for word in nfc(text).translate(_APOSTROPHES).split(" "))


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def join_sentences(parts: list[str]) -> str:
    """Sentences joined with one full stop each, however their writers ended them."""
    cleaned = [part.strip().rstrip(".;,").strip() for part in parts]
    kept = [part[0].upper() + part[1:] for part in cleaned if part]
    return "".join(f"{part}. " for part in kept).strip()


def blank_as_none(value):
    """What the open data says of an empty text field: unknown (null), not an empty string."""
    return value if value not in ("", None) else None
