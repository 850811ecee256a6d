"""What counts as an input file, and how folders are listed.

Only regular files are read: a named pipe or a device named `x.txt` would block or never end, so
the type is checked before a byte is read (`open_regular`). Listing a folder (`walk`) gives every
file under it or a FileError saying why an entry is not read: a folder that cannot be listed, a
symbolic link to a folder or out of the folders given (followed only with `follow_links`), a link
loop, a pipe or a device. Nothing under a folder is skipped without a word, except hidden entries,
README.md (a folder's own documentation), files the selection leaves out and files of no known format
(counted by suffix).

File names that are not valid UTF-8 (a zip extracted from an old system) are kept readable:
`path_text` writes their stray bytes as `\\xNN`, the one text identity of the file in the database.
Entries are given as listed (absolute, links kept); store.path_key makes them the database's paths.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from collections import Counter
from typing import BinaryIO, Callable, Iterable, Iterator

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
    """Entries are named as listed (the folders given made absolute, links kept: `store.path_key` makes
    them the database's paths); real paths only decide what is inside the tree and what was listed."""

    def __init__(self, follow_links: bool, wants: Callable[[str], bool] | None, skipped: Counter | None,
                 known: Callable[[str], bool] | None) -> None:
        self.follow = follow_links
        self.wants = wants or (lambda relative: True)  # selection of files in folders (relative path)
        self.known = known or (lambda suffix: True)  # formats with a reader: others in folders are skipped
        self.skipped = skipped
        self.roots: list[Path] = []  # the real paths of the folders given: the tree
        self.folders: set[tuple[int, int]] = set()  # (device, inode) of folders listed
        self.files: set[Path] = set()  # paths given, so a file named twice is read once

    def inside(self, real: Path) -> bool:
        return any(real.is_relative_to(root) for root in self.roots)

    def file(self, path: Path) -> Iterator[Path]:
        if path not in self.files:
            self.files.add(path)
            yield path

    def taken(self, path: Path, top: Path) -> bool:
        """A file in a folder: selected, and of a format vanban reads (else counted as skipped)."""
        if not self.wants(path.relative_to(top).as_posix()):
            return False
        if not self.known(path.suffix.lower()):
            if self.skipped is not None:
                self.skipped[path.suffix.lower() or "(none)"] += 1
            return False
        return True

    def root(self, given: Path) -> Iterator[Path | FileError]:
        """A path named by the user: followed even when it is a link (they named it)."""
        listed = Path(os.path.abspath(given))
        real = _resolve(listed)
        if isinstance(real, FileError):
            yield real
            return
        try:
            st = os.stat(real)
        except OSError as exc:
            yield _error(listed, InputError(f"cannot be read: {exc.strerror or exc}"))
            return
        if stat.S_ISDIR(st.st_mode):
            yield from self.folder(listed, listed, st)
        elif stat.S_ISREG(st.st_mode):
            yield from self.file(listed)
        else:
            yield _error(listed, NotRegularFile(f"{_kind(st.st_mode)}, not a regular file: it is not read"))

    def folder(self, folder: Path, top: Path, st: os.stat_result) -> Iterator[Path | FileError]:
        key = (st.st_dev, st.st_ino)
        if key in self.folders:
            return
        self.folders.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            yield _error(folder, UnreadableFolder(
                f"the folder cannot be listed ({exc.strerror or exc}): the files in it are not read"))
            return
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    yield from self.link(path, top, subfolders)
                elif entry.is_dir(follow_symlinks=False):
                    subfolders.append((path, entry.stat(follow_symlinks=False)))
                elif entry.name == "README.md" or not self.taken(path, top):
                    continue
                elif entry.is_file(follow_symlinks=False):
                    yield from self.file(path)
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    yield _error(path, NotRegularFile(f"{_kind(mode)}, not a regular file: it is not read"))
            except OSError as exc:  # gone meanwhile, or an entry the system cannot stat
                yield _error(path, InputError(f"cannot be read: {exc.strerror or exc}"))
        for path, sub in subfolders:
            yield from self.folder(path, top, sub)

    def link(self, link: Path, top: Path, subfolders: list) -> Iterator[Path | FileError]:
        real = _resolve(link)
        if isinstance(real, FileError):
            if self.taken(link, top):
                yield real
            return
        st = os.stat(real)
        if stat.S_ISDIR(st.st_mode):
            if not self.follow:
                yield _error(link, LinkNotFollowed(
                    "a symbolic link to a folder: not followed (--follow-links follows links)"))
            elif self.inside(real) and Path(os.path.realpath(link.parent)).is_relative_to(real):
                yield _error(link, LinkLoop("a symbolic link to a folder that holds it (a loop): not followed"))
            elif (st.st_dev, st.st_ino) not in self.folders:  # a second name of a folder listed: listed once
                subfolders.append((link, st))
        elif link.name == "README.md" or not self.taken(link, top):
            return
        elif not (self.follow or self.inside(real)):
            yield _error(link, LinkNotFollowed(
                "a symbolic link to a file outside the folders given: not read (--follow-links follows links)"))
        elif stat.S_ISREG(st.st_mode):
            yield from self.file(link)  # under its own name: the same bytes elsewhere are a copy of one source
        else:
            yield _error(link, NotRegularFile(f"a symbolic link to {_kind(st.st_mode)}, not a regular file: "
                                              f"it is not read"))


def walk(paths: Iterable[str | Path], follow_links: bool = False, wants: Callable[[str], bool] | None = None,
         skipped: Counter | None = None, known: Callable[[str], bool] | None = None) -> Iterator[Path | FileError]:
    """Every file named and every file under the folders named, as absolute paths (links kept), in sorted
    order, listed lazily; and a FileError for each entry that is not read (see the module docstring).
    In folders, `wants(relative path)` selects files and files whose suffix is not `known` are skipped,
    counted in `skipped`; a file named on its own is always given."""
    w = _Walk(follow_links, wants, skipped, known)
    paths = [Path(p) for p in paths]
    for p in paths:
        real = _resolve(Path(os.path.abspath(p)))
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
