"""Atomic output: a report file is either the old one or the complete new one, never half of each.

Cron runs audits unattended and supervisors open whatever is on disk; a disk that fills up or a
process killed mid-write must not leave a truncated scorecard that still looks like a verdict.
Every writer goes through :func:`replace`: the file is written to ``<name>.tmp-<pid>`` in the same
directory (so the rename never crosses a file system), flushed and fsynced, then renamed over the
old name with :func:`os.replace`.  On any failure the temporary file is removed and the old file is
left untouched.

Many small files (the 存档快照 of a large audit: one per distinct page behind a finding) go through
:func:`batch`: each is written to its temporary name, one ``os.sync()`` makes them all durable, and
only then is each renamed — the same either-old-or-complete guarantee, one flush instead of one a file.
A batch writes in the caller's thread, or adopts files other processes wrote under the caller's
temporary names (:func:`write_temporary`: the report's snapshot workers write the copies they
render, :class:`reports.snapshots.Rendering`); a write that fails is raised at once, and nothing
is renamed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path


def temp_path(path: Path, owner: int | None = None) -> Path:
    """The temporary sibling a new version of ``path`` is written to before the rename: named by
    the process that renames it (``owner``, by default this one), so that it can remove what its
    helpers left (:func:`remove_temporaries`)."""
    return path.with_name(f"{path.name}.tmp-{os.getpid() if owner is None else owner}")


def write_temporary(path: Path, data: bytes, owner: int | None = None) -> Path:
    """Write ``data`` to ``path``'s temporary sibling (see :func:`temp_path`), which is returned for
    the owner to rename; on failure nothing is left."""
    tmp = temp_path(path, owner)
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def remove_temporaries(directory: Path, pid: int) -> None:
    """Remove the temporary files process ``pid`` left under ``directory`` (it was killed
    mid-write: its own clean-up never ran)."""
    for tmp in Path(directory).rglob(f"*.tmp-{pid}"):
        tmp.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; a platform that cannot open directories skips it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


Renames = list[tuple[Path, Path]]   # (temporary, final) pairs written, not yet renamed
_held: Renames | None = None        # set within held(): replace() leaves its renames there


@contextlib.contextmanager
def held() -> Iterator[Renames]:
    """Within, :func:`replace` writes and syncs each file under its temporary name and leaves the
    rename to :func:`rename_all`: a process writes files another one commits once its own are written
    (the report's forked files wait for its workbook)."""
    global _held
    outer, _held = _held, []
    try:
        yield _held
    finally:
        _held = outer


def rename_all(renames: Renames) -> None:
    """Rename the files :func:`held` kept back, each over its old version."""
    for tmp, path in renames:
        os.replace(tmp, path)
    for directory in {path.parent for _, path in renames}:
        _fsync_directory(directory)


def replace(path: Path, save: Callable[[Path], object]) -> Path:
    """Let ``save`` write the file at a temporary path, then rename it to ``path``.

    ``save`` receives the temporary path (openpyxl's ``Workbook.save`` fits as is).  Whatever it
    raises — a full disk, a file-size limit, a rendering error — propagates after the temporary
    file is removed; ``path`` keeps its old content.  Within :func:`held` the rename is left to
    the caller.
    """
    path = Path(path)
    tmp = temp_path(path)
    try:
        save(tmp)
        _fsync_file(tmp)
        if _held is not None:
            _held.append((tmp, path))
            return path
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically (see :func:`replace`)."""
    def save(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()

    return replace(path, save)


class Batch:
    """Files written to their temporary names, renamed together by :meth:`commit`."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def write_text(self, path: Path, text: str) -> Path:
        path = Path(path)
        return self.adopt(write_temporary(path, text.encode("utf-8")), path)

    def adopt(self, tmp: Path, path: Path) -> Path:
        """Rename ``tmp`` (already written: by this process or a helper) to ``path`` with the batch."""
        self.pending.append((tmp, path))
        return path

    def commit(self) -> None:
        rename_all(self.hand_over())

    def hand_over(self) -> Renames:
        """The renames still to do, every temporary file made durable first; the batch forgets them
        (the caller renames them with its other files, :func:`rename_all`)."""
        pending, self.pending = self.pending, []
        if pending:
            os.sync()   # every temporary file durable before any rename
        return pending

    def abort(self) -> None:
        """Remove every temporary file written."""
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)
        self.pending = []


@contextlib.contextmanager
def batch() -> Iterator[Batch]:
    """Write many files atomically with one flush: on any failure none of them is replaced."""
    files = Batch()
    try:
        yield files
    except BaseException:
        files.abort()
        raise
    try:
        files.commit()
    except BaseException:
        files.abort()
        raise
