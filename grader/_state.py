"""What student code can see of the worker process, as one digest (worker side, standard library only).

The loaded worker (or, without a PID namespace, a copy of it) that served one exercise goes on to serve
the next only when its digest is still the one it took as loaded: the next exercise then sees the process
as a fresh one would show it, and a fresh start is saved. The digest covers what a student's function can
change by accident or on purpose:

- the notebook's globals: each name, the identity of its value, and the contents of what they hold
  (arrays, containers, numbers and strings, deeply), with the defaults, attributes and closures of its
  functions and the attributes of its classes and objects;
- what is imported, and the modules the notebook reaches by name (builtins, ``np``, ``np.linalg``...):
  their names and the identity of each attribute (monkeypatched numpy or builtins);
- process state: the working directory and the files in it, the environment, ``sys.path`` and the
  import machinery, the standard streams and hooks, warning filters, signal handlers and timers,
  resource limits, the garbage collector's settings, open file descriptors, threads, other processes,
  numpy's error handling and print options, the global random generators.

What it cannot see (state inside C extensions, modules the notebook does not name, the contents of
objects only modules hold) can reach the next exercise served by the same process; a value too large
to digest quickly makes the digest ``None``: never equal, so each exercise gets a fresh one.
"""

from __future__ import annotations

import builtins
import gc
import hashlib
import os
import resource
import signal
import sys
import types
import warnings

# The builtins used here, as they were at import: a student's code may replace those of ``builtins``.
from builtins import (  # noqa: UP029
    bool,
    dict,
    frozenset,
    getattr,
    hash,
    id,
    int,
    isinstance,
    len,
    list,
    map,
    open,
    repr,
    set,
    sorted,
    str,
    tuple,
    type,
    vars,
)
from itertools import chain
from typing import Any

MAX_NODES = 200_000  # parts walked in the notebook's globals ...
MAX_BYTES = 8 * 2**20  # ... and bytes of arrays and text, beyond which the digest is None

_PLAIN = (int, float, complex, bool, str, bytes, type(None))
_GETSIGNAL = sys.modules["_signal"].getsignal  # signal.getsignal's C function, without the enum wrapping
_SIGNALS = [int(s) for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)]
_LIMITS = [getattr(resource, n) for n in dir(resource) if n.startswith("RLIMIT_")]
_SKIPPED = frozenset({"__warningregistry__", "__builtins__"})  # bookkeeping Python itself writes


class _TooLarge(Exception):
    pass


class _Walk:
    """One digest of the globals: a walk over what they hold, each object once. What it meets goes to
    ``parts`` (digested at the end, in one piece) and the bytes of arrays to ``h``."""

    def __init__(self, hasher: Any) -> None:
        self.h = hasher
        self.parts: list[object] = []
        self.seen: set[int] = set()
        self.nodes = 0
        self.bytes = 0

    def value(self, obj: Any) -> None:
        cls = type(obj)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge
        if cls in _PLAIN:
            if cls is str or cls is bytes:
                self.bytes += len(obj)
                if self.bytes > MAX_BYTES:
                    raise _TooLarge
            self.parts += (id(cls), obj)
            return
        key = id(obj)
        self.parts += (id(cls), key)  # identity too: an object replaced by an equal one is a change
        if key in self.seen:
            return
        self.seen.add(key)
        if isinstance(obj, dict):
            for k, v in list(obj.items()):
                self.value(k)
                self.value(v)
        elif isinstance(obj, (list, tuple, set, frozenset)):
            for item in list(obj):
                self.value(item)
        elif isinstance(obj, types.ModuleType):
            return  # its attributes are digested with every module's
        elif isinstance(obj, types.FunctionType):
            self.parts.append(id(obj.__code__))
            self.value(obj.__defaults__)
            self.value(obj.__kwdefaults__)
            self.value(obj.__dict__)
            for cell in obj.__closure__ or ():
                try:
                    self.value(cell.cell_contents)
                except ValueError:  # an empty cell
                    self.parts.append("empty cell")
        elif isinstance(obj, type):
            for k, v in list(vars(obj).items()):
                self.value(k)
                self.value(v)
        elif _is_array(obj):
            self.array(obj)
        else:
            attributes = getattr(obj, "__dict__", None)
            if isinstance(attributes, dict):
                self.value(attributes)

    def array(self, arr: Any) -> None:
        self.bytes += int(arr.nbytes)
        if self.bytes > MAX_BYTES:
            raise _TooLarge
        self.parts += (str(arr.dtype), arr.shape, arr.strides, bool(arr.flags.writeable))
        if arr.dtype.hasobject:
            for item in arr.ravel(order="K").tolist():
                self.value(item)
        else:
            self.h.update(arr.tobytes(order="A"))


def _is_array(obj: Any) -> bool:
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(obj, numpy.ndarray)


def digest(
    namespace: dict[str, Any], workdir: str, modules: list[types.ModuleType] | None = None
) -> bytes | None:
    """The digest of what student code can see; ``None`` when the globals hold too much to digest, or
    when something cannot be digested at all (an object that raises when looked at, folders nested
    deeper than Python recurses): never an error. ``modules``: what :func:`reached` gave when the copy
    was made (a module added to the globals since changes them; one added to a module changes that
    module's attributes)."""
    try:
        return _digest(namespace, workdir, modules)
    except Exception:  # _TooLarge, RecursionError, whatever a student's object raises
        return None


def _digest(namespace: dict[str, Any], workdir: str, modules: list[types.ModuleType] | None) -> bytes | None:
    tasks = _tasks()
    others = _others(tasks)
    if others is None:
        return None
    h = hashlib.blake2b(digest_size=16)
    walk = _Walk(h)
    for name, value in sorted(namespace.items(), key=lambda item: str(item[0])):  # order: not state
        if name not in _SKIPPED:
            walk.parts.append(name)
            walk.value(value)
    modules = reached(namespace) if modules is None else modules
    attributes = [module.__dict__ for module in modules]
    identities = tuple(chain.from_iterable(map(id, a.values()) for a in attributes))
    walk.parts += (hash(tuple(sys.modules)), [hash(tuple(a)) for a in attributes], hash(identities), others)
    walk.parts += _process(workdir, len(tasks))
    h.update(repr(walk.parts).encode("utf-8", "surrogatepass"))
    return h.digest()


def reached(namespace: dict[str, Any]) -> list[types.ModuleType]:
    """The modules the notebook's code reaches by name: builtins, the modules among its globals and
    their submodules (``np``, ``np.linalg``, ``np.random``); each attribute's identity is digested."""
    found: dict[int, types.ModuleType] = {id(builtins): builtins}
    for value in list(namespace.values()):
        if isinstance(value, types.ModuleType) and id(value) not in found:
            found[id(value)] = value
            for inner in list(value.__dict__.values()):
                if isinstance(inner, types.ModuleType):
                    found.setdefault(id(inner), inner)
    return [m for m in found.values() if type(getattr(m, "__dict__", None)) is dict]


def _process(workdir: str, threads: int) -> list[Any]:
    """The process-wide state a student's code may change, as plain values."""
    state: list[Any] = [
        os.getcwd(),
        sorted(os.environ.items()),
        sys.path,
        [id(x) for x in (*sys.meta_path, *sys.path_hooks)],
        [id(x) for x in (sys.stdin, sys.stdout, sys.stderr, sys.displayhook, sys.excepthook)],
        [id(x) for x in (sys.gettrace(), sys.getprofile(), sys.unraisablehook, sys.breakpointhook)],
        sys.getrecursionlimit(),
        sys.getswitchinterval(),
        [id(f) for f in warnings.filters],
        hash(tuple([id(_GETSIGNAL(s)) for s in _SIGNALS])),
        threads,
        [signal.getitimer(t) for t in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)],
        [resource.getrlimit(r) for r in _LIMITS],  # a limit lowered would last (raising it cannot)
        (gc.isenabled(), gc.get_threshold()),
        _descriptors(),
        _files(workdir),
    ]
    numpy = sys.modules.get("numpy")  # (looked up, never imported here: an import is a change)
    if numpy is not None:
        state += [numpy.geterr(), numpy.getbufsize(), numpy.get_printoptions()]
    generator = sys.modules.get("numpy.random")
    if generator is not None:
        name, keys, position, has_gauss, gauss = generator.get_state()
        state += [name, hash(keys.tobytes()), position, has_gauss, gauss]
    random = sys.modules.get("random")
    if random is not None:
        state.append(hash(random.getstate()))
    return state


def _others(tasks: list[str]) -> list[str] | None:
    """The other processes of the worker's PID namespace (each descends from the loaded worker, PID 1,
    and an orphan comes back to it): the loaded worker's children but this one, and this one's own.
    None outside such a namespace, where a leftover process could not be told apart: never clean."""
    if 1 not in (os.getpid(), os.getppid()):
        return None
    me = str(os.getpid())
    found = []
    for path in ["/proc/1/task/1/children", *(f"/proc/self/task/{t}/children" for t in tasks)]:
        try:
            with open(path) as handle:
                found += [p for p in handle.read().split() if p != me]
        except OSError:  # a thread that just ended
            continue
    return found


def _descriptors() -> list[str]:
    """The file descriptors open in this process (a file a student's function left open holds one of
    the few the worker may have)."""
    return sorted(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else []


def _tasks() -> list[str]:
    return os.listdir("/proc/self/task") if os.path.isdir("/proc/self/task") else []


def _files(folder: str) -> list[Any]:
    """Every file and folder under ``folder``, with its kind, size and times."""
    listing: list[Any] = []
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError:
        return listing
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        listing.append((entry.name, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
        if entry.is_dir(follow_symlinks=False):
            listing.append(_files(entry.path))
    return listing
