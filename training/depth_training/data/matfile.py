"""Read the numeric arrays of a MATLAB .mat file: v7.3 (HDF5, through h5py) or the older
Level 5 format (plain or zlib-compressed elements), which is what NYU's `splits.mat` is.
Only real numeric matrices are read; other variables (cells, structs, text) are skipped."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

MI_MATRIX, MI_COMPRESSED = 14, 15
#: Level 5 element types -> numpy dtypes (little-endian; big-endian files are byte-swapped).
MI_DTYPES = {1: "i1", 2: "u1", 3: "i2", 4: "u2", 5: "i4", 6: "u4", 7: "f4", 9: "f8", 12: "i8", 13: "u8"}
#: Array classes that hold plain numbers (double, single, int8 .. uint64).
NUMERIC_CLASSES = set(range(6, 16))
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def read_mat(path: str | Path) -> dict[str, np.ndarray]:
    """Variable name -> array, in MATLAB's shape (column-major order honoured)."""
    path = Path(path)
    data = path.read_bytes()
    if data[512:520] == HDF5_SIGNATURE or data[:8] == HDF5_SIGNATURE:
        import h5py
        with h5py.File(path, "r") as f:
            # h5py sees MATLAB's column-major arrays transposed.
            return {k: np.asarray(v).T for k, v in f.items() if hasattr(v, "shape")}
    return parse_level5(data, str(path))


def parse_level5(data: bytes, name: str = "<bytes>") -> dict[str, np.ndarray]:
    if len(data) < 128:
        raise ValueError(f"{name}: too short for a MATLAB file")
    endian = {b"IM": "<", b"MI": ">"}.get(data[126:128])
    if endian is None:
        raise ValueError(f"{name}: not a MATLAB Level 5 or v7.3 file")
    out: dict[str, np.ndarray] = {}
    pos = 128
    while pos + 8 <= len(data):
        kind, size, start, pos = _tag(data, pos, endian, name)
        body = data[start:start + size]
        if kind == MI_COMPRESSED:
            try:
                inner = zlib.decompress(body)
            except zlib.error as e:
                raise ValueError(f"{name}: corrupt compressed element ({e})") from None
            k2, s2, st2, _ = _tag(inner, 0, endian, name)
            kind, body = k2, inner[st2:st2 + s2]
        if kind == MI_MATRIX:
            var = _matrix(body, endian, name)
            if var is not None:
                out[var[0]] = var[1]
    return out


def _tag(data: bytes, pos: int, endian: str, name: str):
    """-> (type, byte count, data start, next element's position)."""
    if pos + 8 > len(data):
        raise ValueError(f"{name}: truncated element tag at byte {pos}")
    kind, size = struct.unpack_from(endian + "II", data, pos)
    if kind >> 16:  # small data element: 2-byte size, 2-byte type, data in the tag itself
        small_size, small_kind = (kind >> 16, kind & 0xFFFF) if endian == "<" else (kind & 0xFFFF, kind >> 16)
        if small_size > 4:
            raise ValueError(f"{name}: bad small element at byte {pos}")
        return small_kind, small_size, pos + 4, pos + 8
    end = pos + 8 + size
    if end > len(data):
        raise ValueError(f"{name}: element at byte {pos} runs past the end of the file")
    nxt = end if kind == MI_COMPRESSED else pos + 8 + ((size + 7) // 8) * 8
    return kind, size, pos + 8, nxt


def _matrix(body: bytes, endian: str, name: str):
    parts, pos = [], 0
    while pos + 8 <= len(body) and len(parts) < 4:
        kind, size, start, pos = _tag(body, pos, endian, name)
        parts.append((kind, body[start:start + size]))
    if len(parts) < 3:
        raise ValueError(f"{name}: incomplete matrix element")
    flags = np.frombuffer(parts[0][1], endian + "u4")
    cls, complex_ = int(flags[0] & 0xFF), bool(flags[0] & 0x800)
    dims = tuple(int(d) for d in np.frombuffer(parts[1][1], endian + "i4"))
    var_name = parts[2][1].decode("ascii", "replace")
    if cls not in NUMERIC_CLASSES or complex_ or len(parts) < 4:
        return None
    kind, raw = parts[3]
    if kind not in MI_DTYPES:
        raise ValueError(f"{name}: variable {var_name!r} has unsupported data type {kind}")
    values = np.frombuffer(raw, endian + MI_DTYPES[kind])
    if values.size != int(np.prod(dims)):
        raise ValueError(f"{name}: variable {var_name!r} holds {values.size} values for shape {dims}")
    return var_name, values.reshape(dims, order="F").astype(values.dtype.newbyteorder("="))
