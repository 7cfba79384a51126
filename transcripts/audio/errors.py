"""Errors of the speech-to-text pipeline: unreadable audio, and a model that cannot be loaded offline."""
from __future__ import annotations

import os
from typing import Union


class AudioError(Exception):
    """An audio file cannot be used: missing, empty, not audio, truncated, or an unsupported layout.

    `source` is the file as given; `reason` is plain English. str() is "source: reason".
    """

    def __init__(self, source: Union[str, os.PathLike], reason: str) -> None:
        super().__init__(str(source), reason)  # both in args, so the exception pickles
        self.source = str(source)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class ModelUnavailable(Exception):
    """The configured Whisper model cannot be loaded without a download, or cannot be used as asked."""
