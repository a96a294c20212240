"""Is a response body text or binary, whatever its Content-Type says?

Portals serve PDFs and Word files as ``text/html`` and pages with a stray NUL from a bad template.
One NUL must not turn a home page into "binary" (it would lose its columns and get false
``meta.missing`` findings); a PDF must not be parsed as HTML.  So: the declared type, the file's
magic bytes, and the share of control bytes in the head — not the presence of one byte.
"""

from __future__ import annotations

SNIFF_BYTES = 4096
MAX_CONTROL_SHARE = 0.10  # above this share of control bytes, the head is not text

MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG", b"GIF87a", b"GIF89a",
         b"\xff\xd8\xff", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"II*\x00", b"MM\x00*",
         b"RIFF", b"ID3", b"\x00\x00\x00\x18ftyp", b"\x00\x00\x00\x20ftyp", b"OggS", b"wOFF", b"wOF2")
BINARY_TYPES = ("application/pdf", "application/zip", "application/msword", "application/vnd.", "image/",
                "audio/", "video/", "font/", "application/x-rar", "application/x-7z", "application/gzip")
TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")  # controls that real text (and ESC in ISO-2022) carries


def is_binary(body: bytes, content_type: str = "") -> bool:
    """True when ``body`` is not text: a binary type, a known file signature, or mostly control bytes."""
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared.startswith(BINARY_TYPES):
        return True
    head = body[:SNIFF_BYTES]
    if head.startswith(TEXT_BOMS):
        return False
    if head.startswith(MAGIC):
        return True
    return control_share(head) > MAX_CONTROL_SHARE


def control_share(head: bytes) -> float:
    """Share of C0 control bytes (and DEL) that text does not use."""
    if not head:
        return 0.0
    controls = sum(1 for b in head if (b < 0x20 or b == 0x7F) and b not in _TEXT_CONTROLS)
    return controls / len(head)
