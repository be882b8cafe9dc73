"""Decode a CSV file strictly: UTF-8, then UTF-8 with BOM, then GB18030, nothing else.

GBK and GB2312 are subsets of GB18030, so one attempt covers them. A file that decodes in none of these
is refused with its name and the first byte that failed: never a latin-1 fallback, never replacement
characters, since either would turn Chinese text into mojibake that still looks like data.

UTF-16 is refused on purpose (decision documented in docs/records.md): a UTF-16 file is recognised by
its byte-order mark and the message tells the user to save it as UTF-8. Without a BOM, UTF-16 text is full
of NUL bytes, which none of the accepted encodings produce from a real export, so it is refused as well.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from freight_sim.errors import RecordError

ACCEPTED_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode_bytes(data: bytes, name: str) -> DecodedText:
    """The text of a record file in the first accepted encoding that decodes every byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RecordError(f"{name}:1:1: UTF-16 is not supported, save the file as UTF-8 (CSV UTF-8 in Excel)")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return DecodedText(data.decode("utf-8-sig"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            line, col = _line_col(data, exc.start)
            raise RecordError(
                f"{name}:{line}:{col}: starts with a UTF-8 byte-order mark but byte 0x{data[exc.start]:02x} is not UTF-8"
            ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise RecordError(
            f"{name}:{line}:{col}: NUL byte: the file looks like UTF-16 without a byte-order mark or binary; save it as UTF-8"
        )
    failures = []
    for encoding in ("utf-8", "gb18030"):
        try:
            return DecodedText(data.decode(encoding), encoding)
        except UnicodeDecodeError as exc:
            failures.append((encoding, exc.start))
    encoding, offset = max(failures, key=lambda item: item[1])
    line, col = _line_col(data, offset)
    raise RecordError(
        f"{name}:{line}:{col}: cannot decode the file as UTF-8 or GB18030/GBK (byte 0x{data[offset]:02x} at"
        f" offset {offset}); save it as UTF-8 or GBK"
    )


def read_text(path: Path) -> DecodedText:
    """Decode the file at ``path`` (see :func:`decode_bytes`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RecordError(f"{path}:1:1: cannot read the file: {exc.strerror or exc}") from None
    return decode_bytes(data, str(path))
