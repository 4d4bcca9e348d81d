"""A restricted reader for PyTorch's legacy (non-zip) state-dict files: arrays in, nothing executed.

A legacy ``torch.save`` file is five pickles and then the raw data:

    1. the magic number 0x1950a86a20f9469cfc6c     2. the protocol version 1001
    3. system info (byte order, type sizes)         4. the state dict (an OrderedDict of tensors)
    5. the list of storage keys, in the order the storages follow
    then, per storage: its element count (8 bytes, little-endian) and its raw bytes.

Inside pickle 4 each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, ...)`` and each storage a persistent id ``('storage', torch.FloatStorage, key,
location, numel, ...)``. The unpickler below resolves exactly those names, to harmless
local stand-ins, and refuses every other global: the file's pickles can only build
dicts, tuples, numbers and strings. Before any unpickling, every opcode is checked
against an allow-list as well. torch is never imported.
"""

import collections
import io
import pickle
import pickletools
from collections import namedtuple
from pathlib import Path

import numpy as np

from .download import verify_sha256

__all__ = ["read_state_dict", "STORAGE_DTYPES"]

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
ZIP_SIGNATURE = b"PK\x03\x04"

# torch.<name>Storage -> the NumPy dtype of its elements (little-endian).
STORAGE_DTYPES = {
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2",
    "LongStorage": "<i8", "IntStorage": "<i4", "ShortStorage": "<i2",
    "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
}

# The pickle opcodes a state dict needs: containers, numbers, strings, memo, the names above.
ALLOWED_OPCODES = frozenset({
    "PROTO", "STOP", "FRAME", "MARK", "POP", "POP_MARK", "DUP",
    "NONE", "NEWTRUE", "NEWFALSE", "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4",
    "FLOAT", "BINFLOAT", "STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE",
    "SHORT_BINUNICODE", "BINUNICODE8",
    "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "EMPTY_LIST", "LIST", "APPEND", "APPENDS",
    "EMPTY_DICT", "DICT", "SETITEM", "SETITEMS",
    "GET", "BINGET", "LONG_BINGET", "PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE",
    "GLOBAL", "STACK_GLOBAL", "REDUCE", "BUILD", "BINPERSID", "PERSID",
})

_StorageType = namedtuple("_StorageType", "name dtype")
_Storage = namedtuple("_Storage", "key dtype numel")
_Tensor = namedtuple("_Tensor", "storage offset shape stride")


class _Refused(Exception):
    """Something in the file is not part of a plain state dict (turned into a ValueError)."""


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                    metadata=None):
    """Record where a tensor's numbers are (the stand-in for torch._utils._rebuild_tensor_v2)."""
    if not isinstance(storage, _Storage):
        raise _Refused(f"a tensor refers to {type(storage).__name__}, not to a storage")
    return _Tensor(storage, storage_offset, size, stride)


class _StateDictUnpickler(pickle.Unpickler):
    """An unpickler that knows only OrderedDict, _rebuild_tensor_v2 and torch's storage types."""

    def __init__(self, file, with_storages):
        super().__init__(file)
        self.with_storages = with_storages
        self.storages = {}

    def find_class(self, module, name):
        """Return the local stand-in for an allowed global; refuse any other."""
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if self.with_storages and (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if self.with_storages and module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name, STORAGE_DTYPES[name])
        raise _Refused(f"it asks for the global {module}.{name}, which a state dict never needs "
                       "(allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
                       f"torch.{{{', '.join(STORAGE_DTYPES)}}})")

    def persistent_load(self, pid):
        """Return a record of the storage named by a ('storage', type, key, location, numel, ...) id."""
        if not (self.with_storages and isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"):
            raise _Refused(f"it holds the persistent id {str(pid)[:80]!r}, not a ('storage', ...) id")
        _, storage_type, key, location, numel = pid[:5]
        view = pid[5] if len(pid) == 6 else None
        if not (isinstance(storage_type, _StorageType) and isinstance(key, str) and isinstance(location, str)
                and isinstance(numel, int) and not isinstance(numel, bool) and numel >= 0 and view is None):
            raise _Refused(f"it holds a malformed storage id {str(pid)[:80]!r}")
        storage = self.storages.setdefault(key, _Storage(key, storage_type.dtype, numel))
        if storage != _Storage(key, storage_type.dtype, numel):
            raise _Refused(f"storage {key!r} is declared twice with different types or sizes")
        return storage


def read_state_dict(path, *, sha256=None):
    """Read a legacy PyTorch state-dict file into an OrderedDict name -> NumPy array, executing nothing.

    sha256: when given, the file's SHA-256 must match it before anything is parsed.
    Raises ValueError naming the file and the problem for a wrong hash, a zip-format or
    truncated file, or any pickle content a state dict does not need.
    """
    path = Path(path)
    if sha256 is not None:
        verify_sha256(path, sha256,
                      "the file is corrupt, tampered with, or not the version the course was tested with.")
    data = path.read_bytes()
    try:
        return _parse(data)
    except _Refused as error:
        raise ValueError(f"Refusing to read {path}: {error}. Nothing from the file was executed.") from None


def _parse(data):
    """Parse the bytes of a legacy state-dict file (raises _Refused)."""
    if data.startswith(ZIP_SIGNATURE):
        raise _Refused("it is a zip-format checkpoint (torch.save since PyTorch 1.6); only the legacy "
                       "format is supported")
    stream = io.BytesIO(data)
    if _load(stream)[0] != MAGIC_NUMBER:
        raise _Refused("it does not start with PyTorch's magic number, so it is not a legacy torch.save file")
    if _load(stream)[0] != PROTOCOL_VERSION:
        raise _Refused(f"its protocol version is not {PROTOCOL_VERSION}")
    info = _load(stream)[0]
    if not (isinstance(info, dict) and info.get("little_endian") is True):
        raise _Refused("it was not saved on a little-endian machine (or has no system info)")
    state, storages = _load(stream, with_storages=True)
    keys = _load(stream)[0]
    _require_layout(state, storages, keys)
    arrays = _read_storages(data, stream.tell(), [storages[key] for key in keys])
    return collections.OrderedDict((name, _view(arrays[t.storage.key], t, name)) for name, t in state.items())


def _load(stream, with_storages=False):
    """Check the next pickle's opcodes, unpickle it restricted; return (object, storages it named)."""
    start = stream.tell()
    try:
        for opcode, _, _ in pickletools.genops(stream):
            if opcode.name not in ALLOWED_OPCODES:
                raise _Refused(f"its pickle uses the opcode {opcode.name}, which a state dict never needs")
    except _Refused:
        raise
    except Exception as error:  # ValueError from genops: truncated or not a pickle at all
        raise _Refused(f"the pickle at byte {start} is truncated or malformed ({error})") from None
    stream.seek(start)
    unpickler = _StateDictUnpickler(stream, with_storages)
    try:
        result = unpickler.load()
    except _Refused:
        raise
    except Exception as error:  # only our stand-ins ran; anything else is a malformed file
        raise _Refused(f"the pickle at byte {start} is malformed ({type(error).__name__}: {error})") from None
    return result, unpickler.storages


def _require_layout(state, storages, keys):
    """Check the state dict maps names to tensors and the key list names every storage once."""
    if not isinstance(state, dict) or not state:
        raise _Refused(f"its main pickle is a {type(state).__name__}, not a non-empty state dict")
    for name, tensor in state.items():
        if not isinstance(name, str) or not isinstance(tensor, _Tensor):
            raise _Refused(f"entry {str(name)[:60]!r} is not a named tensor")
    if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)
            and sorted(keys) == sorted(storages)):
        raise _Refused("its list of storage keys does not match the storages the tensors use")


def _read_storages(data, offset, storages):
    """Return key -> 1-D array for each storage, read in file order after ``offset``."""
    arrays = {}
    for storage in storages:
        if offset + 8 > len(data):
            raise _Refused(f"it is truncated: storage {storage.key!r} is missing")
        count = int.from_bytes(data[offset:offset + 8], "little")
        if count != storage.numel:
            raise _Refused(f"storage {storage.key!r} holds {count} elements, but its tensors say {storage.numel}")
        size = count * np.dtype(storage.dtype).itemsize
        if offset + 8 + size > len(data):
            raise _Refused(f"it is truncated: storage {storage.key!r} needs {size} bytes, "
                           f"only {len(data) - offset - 8} remain")
        arrays[storage.key] = np.frombuffer(data, dtype=storage.dtype, count=count, offset=offset + 8)
        offset += 8 + size
    if offset != len(data):
        raise _Refused(f"it has {len(data) - offset} unexpected bytes after the last storage")
    return arrays


def _view(flat, tensor, name):
    """Return a tensor's numbers as a new C-ordered array, after checking they lie inside its storage."""
    shape, stride, offset = tensor.shape, tensor.stride, tensor.offset
    numbers = (offset, *shape, *stride) if isinstance(shape, tuple) and isinstance(stride, tuple) else (None,)
    if len(shape or ()) != len(stride or ()) or not all(isinstance(n, int) and n >= 0 for n in numbers):
        raise _Refused(f"tensor {name!r} has a malformed size or stride")
    if 0 in shape:
        return np.zeros(shape, dtype=flat.dtype)
    last = offset + sum((n - 1) * s for n, s in zip(shape, stride))
    if last >= len(flat):
        raise _Refused(f"tensor {name!r} reaches element {last} of a storage of {len(flat)}")
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(flat[offset:], shape, tuple(s * itemsize for s in stride),
                                           writeable=False)
    return np.array(view, order="C")
