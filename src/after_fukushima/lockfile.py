"""The course's own lock on a file, for file systems that cannot lock (a network home whose lock service is down
answers ENOLCK): a lock file created with O_CREAT|O_EXCL beside the file it guards, holding the process id, the
host, the process's start and the time; a lock whose holder is gone is broken, with a warning.

Students' runtime, below the progress store (its only user, for progress.sqlite.lock). It imports nothing of the
course. Errors are LockError (an OSError with a sentence as its text), which the progress store turns into its own
ProgressError.
"""

import contextlib
import errno
import os
import random
import re
import socket
import time
import warnings
from pathlib import Path
from stat import S_ISDIR, S_ISREG

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOCK_TIMEOUT = 10  # seconds a save waits for another notebook's save to finish
STALE_AFTER = 60  # seconds after which the course's lock file from another host counts as left behind


class LockError(OSError):
    """The lock cannot be had: another process kept it past LOCK_TIMEOUT, or the lock file cannot be made or
    written. ``OSError(errno, sentence, guarded file)``."""


_LOCKING: dict[Path, bool] = {}  # per folder, found out once per kernel
NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS}  # what a file system without locks answers


def locking_works(folder: Path) -> bool:
    """Whether files in ``folder`` can be locked. Where they cannot (an NFS home whose lock service is down
    answers ENOLCK, which SQLite would take for a busy file and wait on), the database is opened without
    SQLite's locking (its unix-none VFS) under the course's own lock file, with a warning once."""
    if fcntl is None:  # Windows: SQLite locks there by other means
        return True
    if folder not in _LOCKING:
        probe = folder / ".after_fukushima-lock-probe"
        try:
            with open(os.open(probe, os.O_RDWR | os.O_CREAT, 0o600)) as handle:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.lockf(handle, fcntl.LOCK_UN)
            _LOCKING[folder] = True
        except OSError as exc:
            if exc.errno not in NO_LOCKS:  # held by another process, or a read-only or full folder: not decided
                return True
            _LOCKING[folder] = False
            warnings.warn(
                f"Files in {folder} cannot be locked ({exc.strerror or exc}), so your progress is saved without "
                "the system's locks, under a lock file of the course's own: nothing is lost, but tell whoever "
                "runs the computer that the network file system's lock service is not answering.",
                stacklevel=5,
            )
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()
    return _LOCKING[folder]


PID_LIMIT = 2**31  # process ids are positive and below this (pid_t); a lock naming another is damaged


def _started(pid: int) -> str:
    """When process ``pid`` started (Linux: ticks since boot), or '' where that cannot be read. With the pid, it
    tells a lock's holder from a later process given the same pid."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError, ValueError):
        return ""


def _running(pid: int, started: str) -> bool:
    """Whether the process ``pid`` of this host, started at ``started``, still runs (True if it cannot be told;
    False for a number no process can have)."""
    if not 0 < pid < PID_LIMIT:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError, ValueError):
        return True
    now = _started(pid)
    return not (started and now and now != started)


_HELD: set[tuple[int, int]] = set()  # (device, inode) of the lock files this process holds now
_SEEN: dict[Path, tuple[tuple, float]] = {}  # per lock path: the lock last waited on, and when (monotonic) first
FUTURE_MARGIN = 5  # seconds a lock's time may lie ahead of this computer's clock before the clocks disagree


class LockFile:
    """The course's own lock on a progress file, for file systems without locks: ``path`` created with
    O_CREAT|O_EXCL (atomic on NFS from version 3 on) and removed on leaving the ``with`` block, whatever happens
    inside, or if entering is interrupted (KeyboardInterrupt) after the file was made.

    The file holds one line: process id, host name, start of the process (Linux) and the time (Unix seconds).
    Entering waits at most ``LOCK_TIMEOUT`` seconds, then raises ProgressError (busy). A lock whose holder is
    gone is removed with a warning: a process of this host that no longer runs (or this process, which does not
    hold it now), a lock naming no possible process, or, for a lock from another host (which cannot be asked),
    one older than ``STALE_AFTER`` seconds, as a save takes milliseconds. Its age is the larger of what its time
    says and how long this process has seen it unchanged, so that a lock from a computer whose clock is ahead is
    not kept for ever. A folder (or anything but a file) where the lock file should be raises ProgressError at
    once. ``with`` gives True, or False where the folder does not let a lock file be made (read-only): then
    nothing may be set aside.
    """

    def __init__(self, path: Path, database: Path):
        self.path, self.database = path, database
        self.identity: tuple[int, int] | None = None
        self.ahead = 0.0  # seconds the lock waited on is dated ahead of this computer's clock

    def __enter__(self) -> bool:
        deadline = time.monotonic() + LOCK_TIMEOUT
        line = f"{os.getpid()} {socket.gethostname()} {_started(os.getpid()) or '-'} {time.time():.0f}\n"
        while True:
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                if not self._break_if_stale():
                    if time.monotonic() > deadline:
                        raise LockError(errno.EBUSY, self._busy(), self.database) from None
                    time.sleep(random.uniform(0.002, 0.02))
                continue
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                    return False
                raise LockError(
                    exc.errno or errno.EIO,
                    f"its lock file {self.path.name} cannot be made ({exc.strerror})",
                    self.database,
                ) from exc
            try:
                stat = os.fstat(descriptor)
                self.identity = (stat.st_dev, stat.st_ino)
                _HELD.add(self.identity)
                os.write(descriptor, line.encode("utf-8", "replace"))
                return True
            except BaseException as exc:  # a full disk, or an interrupt: the lock file we made is removed
                if self.identity is None:  # made a moment ago, not yet known by its inode: ours all the same
                    with contextlib.suppress(OSError):
                        os.unlink(self.path)
                self.__exit__()
                if not isinstance(exc, OSError):
                    raise
                raise LockError(
                    exc.errno or errno.EIO,
                    f"its lock file {self.path.name} cannot be written ({exc.strerror})",
                    self.database,
                ) from exc
            finally:
                os.close(descriptor)

    def __exit__(self, *exc_info) -> None:
        """Remove the lock file if it is still this one (not a later holder's, after ours was taken as stale)."""
        if self.identity is not None:
            _HELD.discard(self.identity)
            with contextlib.suppress(OSError):
                stat = os.stat(self.path)
                if (stat.st_dev, stat.st_ino) == self.identity:
                    os.unlink(self.path)
            self.identity = None

    def _busy(self) -> str:
        """Why a save gave up waiting: another notebook's save, or a lock dated ahead of this computer's clock."""
        if self.ahead > FUTURE_MARGIN:
            return (
                f"its lock file {self.path.name} is dated {self.ahead:.0f} seconds ahead of this computer's clock "
                "(another computer's clock is wrong?), so it is taken as left behind only when it has been seen for "
                f"{STALE_AFTER} seconds: if no other notebook is saving, try again in a minute"
            )
        return f"another notebook kept it busy for {LOCK_TIMEOUT} seconds: try again"

    def _age(self, stat: os.stat_result, words: list[str]) -> float:
        """Seconds the lock file has existed: what its time says, or, if longer, how long this process has
        seen this very lock (a lock stamped by a clock ahead of ours looks younger than it is)."""
        self.ahead = stat.st_mtime - time.time()
        seen = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, tuple(words))
        previous = _SEEN.get(self.path)
        if previous is None or previous[0] != seen:
            _SEEN[self.path] = previous = (seen, time.monotonic())
        return max(time.time() - stat.st_mtime, time.monotonic() - previous[1])

    def _break_if_stale(self) -> bool:
        """Remove the lock file if its holder is gone; True if it was removed (or had gone meanwhile). Raises
        ProgressError if a folder or anything but a file has its name."""
        try:
            stat = os.lstat(self.path)
            if S_ISREG(stat.st_mode):
                words = self.path.read_text(encoding="utf-8", errors="replace").split()
        except FileNotFoundError:
            return True
        except OSError:
            return False
        if not S_ISREG(stat.st_mode):
            what = "a folder" if S_ISDIR(stat.st_mode) else "not a file"
            raise LockError(
                errno.EEXIST,
                f"its lock file {self.path} is {what}, which the course did not make: remove it (the course makes "
                "the lock file again when it needs one), then try again",
                self.database,
            )
        age = self._age(stat, words)
        holder = "an unknown process"
        if len(words) == 4:
            pid = int(words[0]) if re.fullmatch("[0-9]{1,12}", words[0]) else 0
            host, started = words[1], words[2].strip("-")
            holder = f"process {words[0][:20]} on {host[:100]}"
            if not 0 < pid < PID_LIMIT:  # no process has that number: a damaged lock
                gone = True
            elif host == socket.gethostname() and pid == os.getpid():  # ours only while this process holds it
                gone = (stat.st_dev, stat.st_ino) not in _HELD
            elif host == socket.gethostname():
                gone = not _running(pid, started)
            else:
                gone = age > STALE_AFTER
        else:  # being written this moment, or damaged: only its age tells
            gone = age > STALE_AFTER
        if not gone:
            return False
        aside = self.path.with_name(f"{self.path.name}.stale-{os.getpid()}-{random.getrandbits(32):08x}")
        try:
            os.rename(self.path, aside)  # one contender wins; the others find no file and try again
        except FileNotFoundError:
            return True
        except OSError:
            return False
        taken = os.stat(aside)
        if (taken.st_dev, taken.st_ino) != (stat.st_dev, stat.st_ino):  # a new holder's, made meanwhile: back
            with contextlib.suppress(OSError):
                os.link(aside, self.path)
            with contextlib.suppress(OSError):
                os.unlink(aside)
            return False
        with contextlib.suppress(OSError):
            os.unlink(aside)
        _SEEN.pop(self.path, None)
        warnings.warn(
            f"A lock on your progress file left by a notebook that stopped ({holder}, {max(age, 0):.0f} s ago) "
            "was removed.",
            stacklevel=4,
        )
        return True
