"""Catches any read of a file beside the repository during the test session.

A fresh clone is the whole product: code, setup and tests may read the repository, the
Python installation and temporary files, never a neighbour of the clone (such as a
`../shared/` folder that happens to sit beside it on a developer's machine). Python's audit
hooks see every `open`, `os.listdir` and `os.scandir`; the session fails if any of them
touched a neighbour.
"""

import os
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
WATCHED_EVENTS = {"open", "os.listdir", "os.scandir"}


def neighbours(repository: Path = REPOSITORY) -> tuple[str, ...]:
    """The entries beside the repository, less any that hold Python or the temporary
    folder. A clone at the file-system root has no neighbours to guard."""
    parent = repository.parent
    if parent == Path(parent.anchor):
        return ()
    needed = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, tempfile.gettempdir())]
    return tuple(
        str(entry) + os.sep
        for entry in parent.iterdir()
        if entry != repository
        and not entry.name.startswith("pytest-of-")  # pytest's own tmp_path, in a clone in /tmp
        and not any(entry in (p, *p.parents) for p in needed)
    )


def is_beside_repository(path: str, watched: tuple[str, ...]) -> bool:
    absolute = os.path.abspath(path)
    return any((absolute + os.sep).startswith(prefix) for prefix in watched)


class OutsideReads:
    def __init__(self, watched: tuple[str, ...]) -> None:
        self.watched = watched
        self.paths: list[str] = []

    def __call__(self, event: str, args: tuple) -> None:
        if event not in WATCHED_EVENTS or not args:
            return
        path = args[0]
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if isinstance(path, (str, os.PathLike)) and self.watched:
            path = os.fspath(path)
            if is_beside_repository(path, self.watched):
                self.paths.append(path)


def install() -> OutsideReads:
    hook = OutsideReads(neighbours())
    sys.addaudithook(hook)
    return hook
