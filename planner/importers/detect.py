"""Turn uploaded bytes into text and decide what format they are, from the content.

Decoding: a byte-order mark wins (UTF-8, UTF-16 LE/BE, UTF-32); otherwise UTF-8, then UTF-16
without a BOM when every other byte is NUL, then Windows-1252, then Latin-1 (which accepts any
byte). Files that are clearly not text (NUL bytes, control characters, or the signature of a ZIP,
FIT, PDF, GZIP or Excel file) are refused with a hint saying what to upload instead.

Format: "BEGIN:VCALENDAR" near the top means iCalendar; otherwise the first line is read as a CSV
header and matched against the signatures in `csv_formats`. The file name's extension is only a
tie-breaker: it picks a format when the content is ambiguous and sharpens the error message.
"""

from __future__ import annotations

import codecs
import re

from planner.errors import CalendarError

# Leading bytes of binary files people upload by mistake, with what to do instead.
_BINARY_SIGNATURES: list[tuple[bytes, str]] = [
    (
        b"PK\x03\x04",
        "this is a ZIP archive (or an .xlsx workbook): unzip a Strava export and "
        "upload activities.csv, or save the spreadsheet as CSV",
    ),
    (b"\x1f\x8b", "this is a gzip archive: decompress it first"),
    (b"%PDF", "this is a PDF: export the calendar as .ics or CSV instead"),
    (b"\xd0\xcf\x11\xe0", "this is an old Excel/Office file: save it as CSV"),
    (b"SQLite format 3", "this is a database file: export the calendar as .ics or CSV"),
]
_FIT_MARKER = b".FIT"  # bytes 8-11 of a Garmin FIT activity file

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# C0 control characters other than tab, newline, carriage return, form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _not_text(where: str, why: str) -> CalendarError:
    return CalendarError(
        f"this is not a calendar file ({why})",
        where=where,
        hint="upload an iCalendar (.ics) file or a CSV export from TrainingPeaks, Strava, "
        "Garmin Connect or intervals.icu",
    )


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Decode uploaded bytes into text; returns (text, encoding name)."""
    if not data or not data.strip():
        raise CalendarError(
            "the file is empty",
            where=where,
            hint="export the calendar again and upload the file it produces",
        )
    for signature, why in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise _not_text(where, why)
    if data[8:12] == _FIT_MARKER:
        raise _not_text(
            where,
            "this is a Garmin FIT activity file: export Activities.csv from Garmin Connect instead",
        )
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError as exc:
                if name == "utf-8-sig" and (mended := _mend_split_folds(data[3:])) is not None:
                    text, encoding = mended, name
                    break
                raise _not_text(
                    where, f"it starts like {name} text but is not ({exc.reason})"
                ) from None
            break
    if text is None:
        head = data[:4096]
        if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head[1::2]) and head[0] != 0:
            candidates = ["utf-16-le", "utf-8", "cp1252", "latin-1"]
        elif len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head[0::2]) and head[1] != 0:
            candidates = ["utf-16-be", "utf-8", "cp1252", "latin-1"]
        else:
            candidates = ["utf-8", "cp1252", "latin-1"]
        for name in candidates:
            try:
                text, encoding = data.decode(name), name
                break
            except UnicodeDecodeError:
                if name == "utf-8" and (mended := _mend_split_folds(data)) is not None:
                    text, encoding = mended, name
                    break
                continue
    assert text is not None  # latin-1 decodes anything
    text = text.lstrip("\ufeff")
    sample = text[:8192]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > max(2, len(sample) // 100):
        raise _not_text(where, "it contains binary data")
    if not text.strip():
        raise CalendarError(
            "the file contains only blank space",
            where=where,
            hint="export the calendar again and upload the file it produces",
        )
    return text, encoding


# A UTF-8 lead byte with part of its continuation bytes, a line fold (line end + one blank),
# then the rest of the character: iCalendar folds by octets, and RFC 5545 (3.1) tells readers
# to unfold before decoding, so a fold inside "é" is legal.
_SPLIT_FOLD = re.compile(rb"([\xc2-\xf4][\x80-\xbf]{0,2})(\r\n|\n|\r)([ \t])([\x80-\xbf]{1,3})")


def _mend_split_folds(data: bytes) -> str | None:
    """UTF-8 text of an iCalendar file whose folds split characters, else None. The split
    bytes are moved after the fold, so every line keeps its number."""
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        return None
    try:
        return _SPLIT_FOLD.sub(rb"\2\3\1\4", data).decode("utf-8")
    except UnicodeDecodeError:
        return None


def looks_like_ical(text: str) -> bool:
    """True when the text is an iCalendar file (BEGIN:VCALENDAR within the first lines)."""
    head = text[:2048].lstrip().upper()
    return head.startswith("BEGIN:VCALENDAR") or "\nBEGIN:VCALENDAR" in head[:1024]


def looks_like_html(text: str) -> bool:
    """True when the text is a web page (a sign-in or error page where a calendar was due)."""
    head = text[:1024].lstrip().lower()
    return head.startswith("<") and ("<html" in head or "<!doctype html" in head)


def extension(filename: str | None) -> str:
    """Lower-case extension without the dot ('' when there is none)."""
    if not filename or "." not in filename:
        return ""
    return filename.rsplit(".", 1)[1].lower()


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV: whichever of , ; tab | occurs most in the header line."""
    header = ""
    for line in text.splitlines():
        if line.strip():
            header = line
            break
    # Count outside quotes so a quoted "Title, with comma" does not skew the count.
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 0 else ","
