"""Truncation checks FFmpeg cannot make: a WAV data chunk or an Ogg stream cut short by a lost upload."""
from __future__ import annotations

import struct
from pathlib import Path
from typing import Optional

# FFmpeg takes a WAV's duration from the bytes present and an Ogg's from its last page, so a file
# cut short decodes "successfully" as a shorter call; the container structure still tells.
_OGG_PAGE = b"OggS"
_OGG_EOS = 0x04
_OGG_TAIL = 65_536 + 27 + 255  # the largest Ogg page


def truncation_reason(path: Path) -> Optional[str]:
    """Why the WAV or Ogg file at `path` is incomplete, or None (also for every other format)."""
    with open(path, "rb") as stream:
        head = stream.read(12)
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            return _wav_reason(stream, path.stat().st_size)
        if head[:4] == _OGG_PAGE:
            return _ogg_reason(stream, path.stat().st_size)
    return None


def _wav_reason(stream, size: int) -> Optional[str]:
    """The data chunk must hold the bytes its header declares (0 and 0xFFFFFFFF mean "streamed")."""
    offset = 12
    while offset + 8 <= size:
        stream.seek(offset)
        chunk_id, chunk_size = struct.unpack("<4sI", stream.read(8))
        if chunk_id == b"data":
            present = size - offset - 8
            if chunk_size not in (0, 0xFFFFFFFF) and present < chunk_size:
                return (f"is truncated: its WAV header declares {chunk_size} bytes of audio data "
                        f"but the file holds only {present}")
            return None
        offset += 8 + chunk_size + (chunk_size & 1)
    return "is truncated: the WAV file ends before its audio data starts"


def _ogg_reason(stream, size: int) -> Optional[str]:
    """The last Ogg page must be complete and carry the end-of-stream flag.

    Walks the pages of the file's tail from the first capture pattern; a pattern that is really
    payload bytes is skipped because the page it implies does not end at another page or the end.
    """
    stream.seek(max(0, size - _OGG_TAIL))
    tail = stream.read()
    candidate = tail.find(_OGG_PAGE)
    while candidate >= 0:
        page, verdict = candidate, None
        while verdict is None:
            end = _ogg_page_end(tail, page)
            if end is None or end > len(tail):
                verdict = "is truncated: the last Ogg page is cut off"
            elif end == len(tail):
                verdict = "" if tail[page + 5] & _OGG_EOS else \
                    "is truncated: the Ogg stream ends without its end-of-stream page"
            elif tail[end:end + 4] == _OGG_PAGE:
                page = end
            else:
                verdict = "resync"
        if verdict != "resync":
            return verdict or None
        candidate = tail.find(_OGG_PAGE, candidate + 1)
    return "is truncated: no complete Ogg page at the end of the file"


def _ogg_page_end(tail: bytes, page: int) -> Optional[int]:
    """Offset just past the page starting at `page`, or None when its header itself is cut off."""
    if page + 27 > len(tail):
        return None
    segments = tail[page + 26]
    lacing = tail[page + 27:page + 27 + segments]
    if len(lacing) < segments:
        return None
    return page + 27 + segments + sum(lacing)
