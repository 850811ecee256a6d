"""External programs (LibreOffice, tesseract), the temporary folders they use, and dying with a parent.

A tool runs in a process group of its own (`run`), under a small shell that kills the whole group
when the process waiting for it dies (the kernel's parent-death signal), and the group is killed on a
timeout, an exception or Ctrl-C: LibreOffice's `soffice` starts `oosplash`, which starts
`soffice.bin`, which outlives its parent. In a batch worker (`enter_worker`) every running group is
also written down in the worker's temporary folder, so the writer kills them when it stops the
worker. Temporary folders of a worker live under one folder the writer removes.
"""
from __future__ import annotations

import ctypes
import os
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (tesseract, LibreOffice, workers): the clock
    of `vanban bench`, which other jobs on a shared machine move much less than the wall clock."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


_running: set[int] = set()  # process groups of the tools this process is waiting for
_record_dir: Path | None = None  # in a batch worker: where each running group is written down
_RECORD = "tool-"


def enter_worker(temp_dir: Path) -> None:
    """Make `temp_dir` this process's temporary folder (tempfile and the tools it runs) and the place
    where running tools are recorded."""
    global _record_dir
    temp_dir.mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(temp_dir)
    os.environ["TMPDIR"] = str(temp_dir)
    _record_dir = temp_dir


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_tools() -> None:
    """Kill every tool this process started and still waits for."""
    for pgid in list(_running):
        _kill_group(pgid)


def kill_recorded(temp_dir: Path) -> None:
    """Kill the tools a (killed or dying) worker recorded in its temporary folder."""
    try:
        names = [p.name for p in temp_dir.iterdir()]
    except OSError:
        return
    for name in names:
        if name.startswith(_RECORD) and name[len(_RECORD):].isdigit():
            _kill_group(int(name[len(_RECORD):]))


_PR_SET_PDEATHSIG = 1
WRITER_PID_ENV = "VANBAN_WRITER_PID"  # set for the fork server of a batch only (pipeline.forkguard)


def arm_parent_death(sig: int) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies (Linux); False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# The shell a tool runs under: when the process that waits for the tool dies (a worker killed), the
# kernel sends it SIGTERM and it kills the tool's whole group; otherwise it exits with the tool's status.
# (A background command's stdin would be /dev/null: fd 3 hands it the shell's own.)
_GUARD = 'trap "kill -KILL 0" TERM; exec 3<&0; "$@" <&3 3<&- & wait $!; exit $?'


def _guard_preexec() -> None:
    arm_parent_death(signal.SIGTERM)


def run(cmd: list[str], *, input: bytes | None = None, timeout: float, env: dict | None = None,
        cwd: str | None = None) -> subprocess.CompletedProcess:
    """subprocess.run in a new process group that is killed as a whole on a timeout (raises
    subprocess.TimeoutExpired), on any exception, after the tool exits (helpers it left behind), and
    when this process dies."""
    guarded = sys.platform.startswith("linux") and os.path.exists("/bin/sh")
    argv = ["/bin/sh", "-c", _GUARD, "vanban-tool", *cmd] if guarded else cmd
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                            start_new_session=True, preexec_fn=_guard_preexec if guarded else None)
    _running.add(proc.pid)
    record = _record_dir / f"{_RECORD}{proc.pid}" if _record_dir else None
    try:
        if record:
            record.touch()
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except BaseException:  # timeout, Ctrl-C, MemoryError: nothing of the tool may stay behind
            _kill_group(proc.pid)
            proc.communicate()
            raise
        _kill_group(proc.pid)
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    finally:
        _running.discard(proc.pid)
        if record:
            record.unlink(missing_ok=True)
