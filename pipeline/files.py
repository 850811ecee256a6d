"""What counts as an input file, and how folders are listed.

Only regular files are read: a named pipe or a device named `x.txt` would block or never end, so
the type is checked before a byte is read (`open_regular`). Listing a folder (`walk`) gives every
file under it or a FileError saying why an entry is not read: a folder that cannot be listed, a
symbolic link to a folder or out of the folders given (followed only with `follow_links`), a link
loop, a pipe or a device. Nothing under a folder is skipped without a word, except hidden entries
and README.md (a folder's own documentation).

File names that are not valid UTF-8 (a zip extracted from an old system) are kept readable:
`path_text` writes their stray bytes as `\\xNN`, the one text identity of the file in the database.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from pipeline.errors import InputError, LinkLoop, LinkNotFollowed, NotRegularFile, UnreadableFolder
from schemas import FileError


def printable(text: str) -> str:
    """`text` with lone surrogates (undecodable bytes of a file name) written as `\\xNN`: storable as UTF-8."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def path_text(path: str | os.PathLike) -> str:
    """The text of a path as it is stored and shown."""
    return printable(os.fsdecode(os.fspath(path)))


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check_regular(path: Path) -> os.stat_result:
    """The file's status, after making sure it is a regular file (raises NotRegularFile)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(f"{_kind(st.st_mode)}, not a regular file: it is not read")
    return st


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading. Checked before opening (opening a pipe blocks, opening a tape
    device rewinds it) and again on the open descriptor, so a file swapped meanwhile is not read."""
    check_regular(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"{_kind(mode)}, not a regular file: it is not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- listing ------------------------------------------------------------------------------------

def _error(path: Path | str, exc: InputError | None = None, error_type: str | None = None,
           message: str | None = None, stage: str | None = None) -> FileError:
    return FileError(path=path_text(path), stage=stage or (exc.stage if exc else "read"),
                     error_type=error_type or type(exc).__name__, message=printable(message or str(exc)))


def _missing(path: Path | str, what: str) -> FileError:
    return _error(path, error_type="FileNotFound", message=what, stage="read")


def listed_path(path: Path | str) -> Path:
    """Absolute path of an entry as it was named: its folder resolved, the name itself kept (a link
    is recorded under its own name, not under what it points to)."""
    path = Path(os.path.abspath(path))
    if not path.name:
        return path
    try:
        return path.parent.resolve() / path.name
    except (OSError, RuntimeError):
        return path


def _resolve(path: Path) -> Path | FileError:
    """The real path behind `path`, or the FileError of a loop or a missing target."""
    try:
        return path.resolve(strict=True)
    except RuntimeError:  # Python before 3.13 reports a symlink loop so
        return _error(path, LinkLoop("a symbolic link that leads back to itself (a loop): not read"))
    except FileNotFoundError:
        if path.is_symlink():
            return _missing(path, "a symbolic link to a file that does not exist")
        return _missing(path, "no such file or folder")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _error(path, LinkLoop("a symbolic link that leads back to itself (a loop): not read"))
        return _error(path, InputError(f"cannot be read: {exc.strerror or exc}"))


class _Walk:
    def __init__(self, follow_links: bool) -> None:
        self.follow = follow_links
        self.roots: list[Path] = []  # the real paths of the folders given: the tree
        self.folders: set[tuple[int, int]] = set()  # (device, inode) of folders listed
        self.files: set[Path] = set()  # files given, so a file named twice is read once

    def inside(self, real: Path) -> bool:
        return any(real.is_relative_to(root) for root in self.roots)

    def file(self, real: Path) -> Iterator[Path]:
        if real not in self.files:
            self.files.add(real)
            yield real

    def root(self, given: Path) -> Iterator[Path | FileError]:
        """A path named by the user: followed even when it is a link (they named it)."""
        real = _resolve(given)
        if isinstance(real, FileError):
            yield real
            return
        try:
            st = os.stat(real)
        except OSError as exc:
            yield _error(listed_path(given), InputError(f"cannot be read: {exc.strerror or exc}"))
            return
        if stat.S_ISDIR(st.st_mode):
            yield from self.folder(real, st)
        elif stat.S_ISREG(st.st_mode):
            yield from self.file(real)
        else:
            yield _error(listed_path(given), NotRegularFile(f"{_kind(st.st_mode)}, not a regular file: it is not read"))

    def folder(self, real: Path, st: os.stat_result) -> Iterator[Path | FileError]:
        key = (st.st_dev, st.st_ino)
        if key in self.folders:
            return
        self.folders.add(key)
        try:
            with os.scandir(real) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            yield _error(real, UnreadableFolder(
                f"the folder cannot be listed ({exc.strerror or exc}): the files in it are not read"))
            return
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    yield from self.link(path, subfolders)
                elif entry.is_dir(follow_symlinks=False):
                    subfolders.append((path, entry.stat(follow_symlinks=False)))
                elif entry.is_file(follow_symlinks=False):
                    if entry.name != "README.md":
                        yield from self.file(path)
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    yield _error(path, NotRegularFile(f"{_kind(mode)}, not a regular file: it is not read"))
            except OSError as exc:  # gone meanwhile, or an entry the system cannot stat
                yield _error(path, InputError(f"cannot be read: {exc.strerror or exc}"))
        for path, sub in subfolders:
            yield from self.folder(path, sub)

    def link(self, link: Path, subfolders: list) -> Iterator[Path | FileError]:
        real = _resolve(link)
        if isinstance(real, FileError):
            yield real
            return
        st = os.stat(real)
        if stat.S_ISDIR(st.st_mode):
            if not self.follow:
                yield _error(link, LinkNotFollowed(
                    "a symbolic link to a folder: not followed (--follow-links follows links)"))
            elif link.is_relative_to(real):
                yield _error(link, LinkLoop("a symbolic link to a folder that holds it (a loop): not followed"))
            elif (st.st_dev, st.st_ino) not in self.folders:  # a second name of a folder listed: listed once
                subfolders.append((real, st))
        elif not (self.follow or self.inside(real)):
            yield _error(link, LinkNotFollowed(
                "a symbolic link to a file outside the folders given: not read (--follow-links follows links)"))
        elif stat.S_ISREG(st.st_mode):
            yield from self.file(real)
        else:
            yield _error(link, NotRegularFile(f"a symbolic link to {_kind(st.st_mode)}, not a regular file: "
                                              f"it is not read"))


def walk(paths: Iterable[str | Path], follow_links: bool = False) -> Iterator[Path | FileError]:
    """Every file named and every file under the folders named, as real paths, in sorted order, listed
    lazily; and a FileError for each entry that is not read (see the module docstring)."""
    w = _Walk(follow_links)
    paths = [Path(p) for p in paths]
    for p in paths:
        real = _resolve(p)
        if isinstance(real, Path) and real.is_dir():
            w.roots.append(real)
    reported: set[str] = set()
    for p in paths:
        for entry in w.root(p):
            if isinstance(entry, FileError):
                if entry.path in reported:
                    continue  # named twice (a folder and a file in it): recorded once
                reported.add(entry.path)
            yield entry
