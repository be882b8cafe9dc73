"""Decode a CSV file by evidence, never by a silent fallback.

UTF-8 (with or without BOM) is taken when every byte decodes as UTF-8: text in any other encoding almost
never forms valid UTF-8 sequences. Otherwise each candidate legacy encoding (GB18030, which contains GBK
and GB2312; Big5; Shift-JIS; cp1252) that decodes every byte is judged by the text it produces:

- the share of its non-ASCII characters that are common characters of that encoding's language
  (GB2312 level-1 hanzi for GB18030, Big5 frequent hanzi for Big5, kana and JIS level-1 kanji for
  Shift-JIS, Latin letters for cp1252; CJK and full-width punctuation count for the CJK encodings), and
- the number of column names of the alias table found in the header rows.

A candidate is plausible when at least :data:`PLAUSIBLE_SHARE` of its non-ASCII characters are common
ones. One plausible candidate is taken; among several, the one whose header names more known columns,
then the one charset-normalizer ranks best; a file left with no plausible candidate, or several that no
evidence separates, is refused with its name and the hint ``--encoding``.

UTF-16 is refused on purpose (docs/records.md): a UTF-16 file is recognised by its byte-order mark and
the message tells the user to save it as UTF-8; without a BOM it is full of NUL bytes, refused as well.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from freight_sim.errors import RecordError

LEGACY_CANDIDATES = ("gb18030", "big5", "shift_jis", "cp1252")
PLAUSIBLE_SHARE = 0.9
SAMPLE_BYTES = 256 * 1024
HEADER_LINES = 30
ENCODING_HINT = "give the encoding with --encoding (e.g. --encoding gb18030, big5, shift_jis, cp1252) or save the file as UTF-8"


CHUNK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class DecodedText:
    """The file as UTF-8 bytes (what the CSV parser reads fastest), with the encoding it was read in."""

    utf8: bytes | bytearray
    encoding: str

    @property
    def text(self) -> str:
        return bytes(self.utf8).decode("utf-8")


def transcode(data: bytes, encoding: str) -> bytes | bytearray:
    """``data`` in ``encoding`` as UTF-8 (without a byte-order mark), decoded strictly chunk by chunk so that
    the whole text never sits in memory as a Python string."""
    if encoding in ("utf-8", "utf-8-sig"):
        return data[3:] if data.startswith(codecs.BOM_UTF8) else data
    decoder = codecs.getincrementaldecoder(encoding)()
    utf8 = bytearray()
    for start in range(0, len(data), CHUNK_BYTES):
        utf8 += decoder.decode(data[start : start + CHUNK_BYTES], final=start + CHUNK_BYTES >= len(data)).encode("utf-8")
    return utf8


def _validate(data: bytes, encoding: str) -> None:
    """Raise UnicodeDecodeError (offset within ``data``) at the first byte invalid in ``encoding``; decodes
    chunk by chunk so that the whole text never sits in memory as a Python string."""
    decoder = codecs.getincrementaldecoder(encoding)()
    for start in range(0, len(data), CHUNK_BYTES):
        try:
            decoder.decode(data[start : start + CHUNK_BYTES], final=start + CHUNK_BYTES >= len(data))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(exc.encoding, data, start + exc.start, start + exc.end, exc.reason) from None


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def _lead_byte(char: str, encoding: str) -> int | None:
    try:
        encoded = char.encode(encoding)
    except UnicodeEncodeError:
        return None
    return encoded[0] if len(encoded) == 2 else None


def _cjk_punctuation(char: str) -> bool:
    code = ord(char)
    return 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or char in "·—…“”‘’、，。：；（）《》【】"


def _common_gb(char: str) -> bool:
    lead = _lead_byte(char, "gb2312")
    return _cjk_punctuation(char) or (lead is not None and 0xB0 <= lead <= 0xD7)


def _common_big5(char: str) -> bool:
    lead = _lead_byte(char, "big5")
    return _cjk_punctuation(char) or (lead is not None and 0xA4 <= lead <= 0xC6)


def _common_sjis(char: str) -> bool:
    code = ord(char)
    if 0x3040 <= code <= 0x30FF or _cjk_punctuation(char):  # kana
        return True
    lead = _lead_byte(char, "shift_jis")
    return lead is not None and 0x88 <= lead <= 0x9F


def _common_latin(char: str) -> bool:
    return (unicodedata.category(char).startswith("L") and ord(char) < 0x250) or char in "€£°±×÷§©®–—‘’“”…·"


COMMON_CHARACTER: dict[str, Callable[[str], bool]] = {
    "gb18030": _common_gb,
    "big5": _common_big5,
    "shift_jis": _common_sjis,
    "cp1252": _common_latin,
}


def common_share(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common in ``encoding``'s language (1.0 if none)."""
    counts: dict[str, int] = {}
    for char in text:
        if ord(char) > 0x7F:
            counts[char] = counts.get(char, 0) + 1
    total = sum(counts.values())
    if total == 0:
        return 1.0
    is_common = COMMON_CHARACTER[encoding]
    return sum(n for char, n in counts.items() if is_common(char)) / total


def _header_matches(text: str) -> int:
    """Known column names among the cells of the first lines (any delimiter)."""
    from freight_sim.records.aliases import load_aliases

    aliases = load_aliases()
    best = 0
    for line in text.splitlines()[:HEADER_LINES]:
        for delimiter in (",", "\t", ";"):
            cells = [cell.strip().strip('"') for cell in line.split(delimiter)]
            best = max(best, sum(aliases.match_header(cell) is not None for cell in cells))
    return best


def _charset_normalizer_best(sample: bytes, candidates: list[str]) -> str | None:
    from charset_normalizer import from_bytes

    guess = from_bytes(sample, cp_isolation=candidates).best()
    if guess is None:
        return None
    name = codecs.lookup(guess.encoding).name
    return next((c for c in candidates if codecs.lookup(c).name == name), None)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        _validate(data, encoding)
    except UnicodeDecodeError:
        return False
    return True


def _sample_text(data: bytes, encoding: str) -> str:
    """The decoded start of ``data`` (a character cut at the sample's end is left out)."""
    return codecs.getincrementaldecoder(encoding)().decode(data[:SAMPLE_BYTES], final=False)


def _refuse_undecodable(data: bytes, name: str) -> RecordError:
    failures = []
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append((encoding, exc.start))
    encoding, offset = max(failures, key=lambda item: item[1])
    line, col = _line_col(data, offset)
    return RecordError(
        f"{name}:{line}:{col}: cannot decode the file as UTF-8, GB18030/GBK, Big5, Shift-JIS or cp1252 (byte 0x{data[offset]:02x}"
        f" at offset {offset}); save it as UTF-8 or GBK"
    )


def _choose_legacy(data: bytes, name: str) -> str:
    samples = {}
    for encoding in LEGACY_CANDIDATES:
        try:
            samples[encoding] = _sample_text(data, encoding)
        except UnicodeDecodeError:
            continue
    shares = {encoding: common_share(sample, encoding) for encoding, sample in samples.items()}
    # the whole file is checked only for candidates whose start reads plausibly (a full pass each)
    plausible = [e for e in samples if shares[e] >= PLAUSIBLE_SHARE and _decodes(data, e)]
    valid = plausible or [e for e in samples if _decodes(data, e)]
    if not valid:
        raise _refuse_undecodable(data, name)
    tried = ", ".join(f"{encoding} {shares[encoding]:.0%}" for encoding in valid)
    if not plausible:
        raise RecordError(
            f"{name}:1:1: cannot tell the file's encoding: decoded as any candidate, its text is not mostly common"
            f" characters (share of common characters: {tried}); {ENCODING_HINT}"
        )
    if len(plausible) > 1:
        matches = {encoding: _header_matches(samples[encoding]) for encoding in plausible}
        most = max(matches.values())
        plausible = [encoding for encoding in plausible if matches[encoding] == most]
    if len(plausible) > 1:
        best = _charset_normalizer_best(data[:SAMPLE_BYTES], plausible)
        if best is None:
            raise RecordError(f"{name}:1:1: ambiguous encoding: the file reads plausibly as {', '.join(plausible)}; {ENCODING_HINT}")
        plausible = [best]
    return plausible[0]


def _check_given(data: bytes, name: str, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise RecordError(f"{name}:1:1: unknown encoding {encoding!r} given with --encoding") from None
    try:
        _validate(data, encoding)
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise RecordError(f"{name}:{line}:{col}: byte 0x{data[exc.start]:02x} is not valid {encoding} (given with --encoding)") from None
    return encoding


def detect_encoding(data: bytes, name: str, encoding: str | None = None) -> str:
    """The encoding of a record file: ``encoding`` when given (checked), else the one the evidence shows."""
    if encoding is not None:
        return _check_given(data, name, encoding)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RecordError(f"{name}:1:1: UTF-16 is not supported, save the file as UTF-8 (CSV UTF-8 in Excel)")
    if data.startswith(codecs.BOM_UTF8):
        try:
            _validate(data, "utf-8")
        except UnicodeDecodeError as exc:
            line, col = _line_col(data, exc.start)
            raise RecordError(
                f"{name}:{line}:{col}: starts with a UTF-8 byte-order mark but byte 0x{data[exc.start]:02x} is not UTF-8"
            ) from None
        return "utf-8-sig"
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise RecordError(
            f"{name}:{line}:{col}: NUL byte: the file looks like UTF-16 without a byte-order mark or binary; save it as UTF-8"
        )
    if _decodes(data, "utf-8"):
        return "utf-8"
    return _choose_legacy(data, name)


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> DecodedText:
    """The text of a record file as UTF-8: in ``encoding`` when given, else in the encoding the evidence shows."""
    chosen = detect_encoding(data, name, encoding)
    return DecodedText(transcode(data, chosen), chosen)


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise RecordError(f"{path}:1:1: cannot read the file: {exc.strerror or exc}") from None


def read_text(path: Path, encoding: str | None = None) -> DecodedText:
    """Decode the file at ``path`` (see :func:`decode_bytes`)."""
    return decode_bytes(read_bytes(path), str(path), encoding)
