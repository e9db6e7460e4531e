"""Confinement of a worker process, applied on the worker side between ``fork`` and student code.

Imported by the warm parent (:mod:`_zygote`) as a top-level module: standard library only. Every step
is attempted and reported; a step the platform refuses is recorded as inactive with the reason, and the
worker goes on (the grading process turns those into a warning, never into a failed submission).

Two stages, because a PID namespace only applies to the children of the process that creates it:

- :func:`isolate` runs in the supervisor (forked from the warm parent): new user (when not root),
  mount, network, IPC and PID namespaces; a private tmpfs working directory; the grader's own packages
  hidden under empty read-only mounts; helper modules copied into the working directory.
- :func:`confine` runs in the worker (the supervisor's child, PID 1 of the new namespace): its own
  ``/proc``, dropped privileges, resource limits, no new privileges, Landlock (writes only in the working
  directory, no TCP, no signals or abstract sockets outside), no capabilities.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import resource
import shutil
import struct
import sys
from typing import Any

Report = dict[str, dict[str, Any]]

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 1 << 12, 1 << 14, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_CHILD_SUBREAPER = 1, 24, 28, 36
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
_SECURE_NOROOT_LOCKED = 0b10_1111  # no root privileges on exec, no setuid fix-up, keep-caps locked off
WORKER_UID_BASE = 3_000_000_000  # a worker started as root runs as uid WORKER_UID_BASE + supervisor PID:
# far above login users and the subordinate uid ranges containers use (/etc/subuid starts at 100000)
# Set by isolate() in the supervisor; its worker (a fork) inherits them.
_worker_uid = 0
_own_user = False  # started as root, and any user can read the Python: run as _worker_uid

# Landlock (linux/landlock.h); the syscall numbers are the same on every architecture.
_LL_CREATE, _LL_ADD_RULE, _LL_RESTRICT = 444, 445, 446
_LL_VERSION = 1
_LL_PATH_BENEATH = 1
_FS_WRITE_FILE = 1 << 1
_FS_WRITES_BY_ABI = {
    1: 0b1_1111_1111_0010,  # write file, remove dir/file, make char/dir/reg/sock/fifo/block/sym
    2: 1 << 13,  # refer
    3: 1 << 14,  # truncate
}
_FS_FILE_WRITES = _FS_WRITE_FILE | (1 << 14)
_FS_FILE_READS = 0b101  # execute, read file
_FS_READ_DIR_ONLY = 1 << 3
_FS_READS = _FS_FILE_READS | _FS_READ_DIR_ONLY
_NET_TCP = 0b11  # bind, connect
_SCOPES = 0b11  # abstract unix sockets, signals

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _ok(report: Report, name: str, detail: str) -> None:
    report[name] = {"active": True, "detail": detail}


def _off(report: Report, name: str, detail: str) -> None:
    report[name] = {"active": False, "detail": detail}


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def isolate(
    workdir: str, helpers: str, hidden: list[str], file_mb: int, *, namespaces: bool = True
) -> Report:
    """Supervisor side: namespaces and the file system view the worker will inherit.

    ``namespaces=False`` grades as on a platform without them (the fallbacks are tested that way).
    """
    global _worker_uid, _own_user
    report: Report = {}
    root = os.geteuid() == 0
    _worker_uid = WORKER_UID_BASE + os.getpid()  # no other worker has it: its process limit is its own
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID | (0 if root else CLONE_NEWUSER)
    try:
        if not namespaces:
            raise OSError(errno.EPERM, "turned off by the grading process")
        _check(_libc.unshare(flags), "unshare")
        if not root:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"0 {uid} 1")
            _write("/proc/self/gid_map", f"0 {gid} 1")
        namespaces = True
    except OSError as exc:
        namespaces = False
        _own_user = root and _readable_by_others(sys.path)
        for name in ("network", "processes", "private_tmp", "hidden_sources"):
            _off(report, name, f"namespaces unavailable ({exc.strerror or exc})")
    if namespaces:
        _ok(report, "network", "new network namespace: no interface but a loopback that is down")
        _ok(report, "processes", "new PID namespace: the worker's processes end with it")
        try:
            _mount("none", "/", None, MS_REC | MS_PRIVATE)
            if root:
                _expose_python(workdir)
            _own_user = root and _readable_by_others(sys.path)  # after the exposure above
            owner = f",uid={_worker_uid},gid={_worker_uid}" if _own_user else ""
            _mount("tmpfs", workdir, "tmpfs", MS_NOSUID | MS_NODEV, f"size={file_mb}m,mode=0700{owner}")
            _ok(report, "private_tmp", f"working directory on a private {file_mb} MB tmpfs")
        except OSError as exc:
            _off(report, "private_tmp", str(exc))
    _copy_helpers(helpers, workdir, _own_user, bind=namespaces)
    if namespaces:
        try:
            for path in hidden:
                if os.path.isdir(path):
                    _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k")
            for shared in (
                "/tmp",
                "/var/tmp",
                "/dev/shm",
                "/run",
                "/var/run",
            ):  # other users' files and sockets
                if (
                    os.path.isdir(shared)
                    and not os.path.islink(shared)
                    and not workdir.startswith(shared + "/")
                ):
                    _mount("tmpfs", shared, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m,mode=0755")
            _ok(
                report,
                "hidden_sources",
                "the grader, reference and exercise folders are mounted empty; /run, /dev/shm and the other "
                "temporary folders are private",
            )
        except OSError as exc:
            _off(report, "hidden_sources", str(exc))
    elif _own_user:
        os.chown(workdir, _worker_uid, _worker_uid)
    become_subreaper()  # a fallback for cleaning up without a PID namespace
    return report


def _closed_ancestor(path: str) -> tuple[str, str] | None:
    """The highest folder above ``path`` that other users cannot enter, and its child towards ``path``."""
    parts = os.path.abspath(path).split(os.sep)[1:]
    current = "/"
    for part in parts:
        child = os.path.join(current, part)
        if not os.stat(current).st_mode & 0o001:
            return current, child
        current = child
    return None


def _expose_python(workdir: str) -> None:
    """Let an unprivileged user import Python when it lives in a closed folder such as /root.

    In the worker's own mount namespace only: the closed folder is covered by an empty tmpfs (so its
    other contents, a home directory's keys and tokens, are out of reach) and the folders Python needs
    are bound back into it.
    """
    closed: dict[str, set[str]] = {}
    for entry in [sys.prefix, sys.base_prefix, *sys.path]:
        if entry and os.path.isdir(entry):
            found = _closed_ancestor(entry)
            if found:
                closed.setdefault(found[0], set()).add(found[1])
    for folder, children in closed.items():
        staged = []
        for index, child in enumerate(sorted(children)):
            stage = os.path.join(workdir, f".stage{index}")
            os.mkdir(stage)
            _mount(child, stage, None, MS_BIND | MS_REC)
            staged.append((child, stage))
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=4k,mode=0755")
        for child, stage in staged:
            os.mkdir(child)
            _mount(stage, child, None, MS_BIND | MS_REC)
            _check(_libc.umount2(stage.encode(), 2), f"umount {stage}")  # MNT_DETACH
            os.rmdir(stage)


def _copy_helpers(helpers: str, workdir: str, chown: bool, *, bind: bool = False) -> None:
    """The assignment's helper modules in ``.helpers`` of the working directory: with ``bind`` (a mount
    namespace of its own), the folder itself, mounted read-only (one call instead of a copy of each file,
    and their compiled files come with them); else, or when other users could not read them, a copy."""
    if not helpers or not os.path.isdir(helpers):
        return
    target = os.path.join(workdir, ".helpers")
    if bind and _readable_tree(helpers):
        os.mkdir(target)
        try:
            _mount(helpers, target, None, MS_BIND | MS_REC)
            _mount("none", target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
            return
        except OSError:
            with contextlib.suppress(OSError):
                _check(_libc.umount2(target.encode(), 2), f"umount {target}")  # MNT_DETACH
            os.rmdir(target)
    shutil.copytree(helpers, target, ignore=shutil.ignore_patterns("__pycache__"))
    if chown:
        for folder, _, files in os.walk(target):
            os.chown(folder, _worker_uid, _worker_uid)
            for name in files:
                os.chown(os.path.join(folder, name), _worker_uid, _worker_uid)


def confine(workdir: str, limits: dict[str, int], report: Report, hidden: list[str]) -> Report:
    """Worker side, before any student code: the rest of the protections. Returns the full report."""
    report = dict(report)
    if report.get("processes", {}).get("active"):
        with contextlib.suppress(OSError):  # else the host's /proc stays, its processes out of reach
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(workdir)
    if _own_user:
        try:
            os.setgroups([])
            os.setresgid(_worker_uid, _worker_uid, _worker_uid)
            os.setresuid(_worker_uid, _worker_uid, _worker_uid)
            _ok(report, "privileges", "running as an unprivileged user of its own")
        except OSError as exc:
            _off(report, "privileges", f"could not drop root privileges: {exc}")
    elif os.geteuid() == 0:
        dropped = _drop_capabilities()
        detail = "user 0 with no capabilities (Python is installed where other users cannot read)"
        (_ok if dropped else _off)(
            report, "privileges", detail if dropped else "still root: capabilities kept"
        )
    else:
        _ok(report, "privileges", "not running as root")
    _check(_libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl")  # die with the supervisor
    _set_limits(limits)
    _ok(report, "limits", ", ".join(f"{k}={v}" for k, v in sorted(limits.items())))
    try:
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")
        abi = _landlock(workdir, hidden)
        _ok(
            report,
            "landlock",
            f"Landlock ABI {abi}: reads only of Python and the system, writes only in the working directory"
            + _abi_extras(abi),
        )
    except OSError as exc:
        _off(
            report,
            "landlock",
            f"Landlock unavailable ({exc.strerror or exc}); writes are limited by the user",
        )
    _drop_capabilities()
    return report


def _readable_tree(folder: str) -> bool:
    """Whether any user may read every file under ``folder`` and enter every folder in it (False when
    one cannot be looked at, a dangling link say: the copy then says what is wrong with it)."""
    try:
        for path, _, files in os.walk(folder):
            if os.stat(path).st_mode & 0o005 != 0o005:
                return False
            for name in files:
                if not os.stat(os.path.join(path, name)).st_mode & 0o004:
                    return False
    except OSError:
        return False
    return True


def _readable_by_others(paths: list[str]) -> bool:
    """Whether any user could import from ``paths`` (every existing entry and its ancestors)."""
    for entry in paths:
        path = os.path.abspath(entry or ".")
        if not os.path.isdir(path):
            continue
        while True:
            mode = os.stat(path).st_mode
            if not mode & 0o001:
                return False
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
    return True


def _set_limits(limits: dict[str, int]) -> None:
    mem = limits["memory_mb"] * 1024 * 1024
    for kind, value in (
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_AS, mem),
        (resource.RLIMIT_CPU, limits["cpu_seconds"]),
        (resource.RLIMIT_NPROC, limits["processes"]),
        (resource.RLIMIT_NOFILE, limits["open_files"]),
        (resource.RLIMIT_FSIZE, limits["file_mb"] * 1024 * 1024),
    ):
        hard = value + 1 if kind == resource.RLIMIT_CPU else value
        resource.setrlimit(kind, (value, hard))


def _abi_extras(abi: int) -> str:
    extras = []
    if abi >= 4:
        extras.append("no TCP bind or connect")
    if abi >= 6:
        extras.append("no signals or abstract sockets outside the worker")
    return "; " + "; ".join(extras) if extras else ""


def _landlock(workdir: str, hidden: list[str]) -> int:
    syscall = _libc.syscall
    syscall.restype = ctypes.c_long
    abi = _check(syscall(_LL_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(_LL_VERSION)), "landlock")
    writes = 0
    for level, bits in _FS_WRITES_BY_ABI.items():
        if abi >= level:
            writes |= bits
    net = _NET_TCP if abi >= 4 else 0
    scoped = _SCOPES if abi >= 6 else 0
    attr = struct.pack("<QQQ", writes | _FS_READS, net, scoped)[: 8 if abi < 4 else 16 if abi < 6 else 24]
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _check(syscall(_LL_CREATE, buf, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0)), "landlock")
    try:
        _allow(ruleset, workdir, writes | _FS_READS)
        for device in ("/dev/null", "/dev/zero"):
            _allow(ruleset, device, (writes & _FS_FILE_WRITES) | _FS_FILE_READS)
        denied = {os.path.realpath(p) for p in hidden}
        for root in sorted(_readable_roots()):
            _allow_except(ruleset, root, denied)
        _check(syscall(_LL_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0)), "landlock")
    finally:
        os.close(ruleset)
    return abi


def _readable_roots() -> set[str]:
    """What the worker may read: the system, and the Python it runs (its prefixes and import path)."""
    roots = {"/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/dev", "/proc", "/sys"}
    roots |= {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots |= {p for p in sys.path if p}
    return {os.path.realpath(r) for r in roots if os.path.exists(r)}


def _allow_except(ruleset: int, root: str, denied: set[str]) -> None:
    """Allow reading ``root`` except the ``denied`` folders inside it (by allowing around them)."""
    if root in denied:
        return
    if not any(d.startswith(root.rstrip("/") + "/") for d in denied) or not os.path.isdir(root):
        with contextlib.suppress(OSError):
            _allow(ruleset, root, _FS_READS if os.path.isdir(root) else _FS_FILE_READS)
        return
    with contextlib.suppress(OSError):
        _allow(ruleset, root, _FS_READ_DIR_ONLY)  # list it, but open only what is allowed below
        for entry in os.listdir(root):
            _allow_except(ruleset, os.path.join(root, entry), denied)


def _allow(ruleset: int, path: str, access: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        rule = ctypes.create_string_buffer(struct.pack("<Qi", access, fd), 12)
        _check(
            _libc.syscall(_LL_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_LL_PATH_BENEATH), rule, 0),
            f"landlock rule for {path}",
        )
    finally:
        os.close(fd)


def _drop_capabilities() -> bool:
    """Give up every capability for good: none now, none after ``exec`` (root or user-namespace root)."""
    prctl = _libc.prctl
    prctl(PR_SET_SECUREBITS, _SECURE_NOROOT_LOCKED, 0, 0, 0)  # fails harmlessly without CAP_SETPCAP
    for cap in range(64):
        if prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() == errno.EINVAL:
            break
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = ctypes.create_string_buffer(struct.pack("<Ii", 0x20080522, 0), 8)  # version 3, this process
    return int(_libc.capset(header, ctypes.create_string_buffer(bytes(24), 24))) == 0


def become_subreaper() -> None:
    """Orphaned descendants come to this process (not to init), so :func:`kill_strays` finds them."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def kill_strays() -> None:
    """End every process this one started, however it detached (setsid, double fork), and reap them.

    PID 1 of a PID namespace signals the whole namespace at once; elsewhere the orphans have come to this
    process as a child subreaper, and its children are killed until none is left.
    """
    if os.getpid() == 1:
        with contextlib.suppress(OSError):
            os.kill(-1, 9)
    for _ in range(100):
        children = []
        with contextlib.suppress(OSError):
            for task in os.listdir("/proc/self/task"):
                with open(f"/proc/self/task/{task}/children") as handle:
                    children += [int(p) for p in handle.read().split()]
        for child in children:
            with contextlib.suppress(OSError):
                os.kill(child, 9)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        if not children:
            return
