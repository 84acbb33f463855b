"""Save and load the safetensors weights file of docs/weights-format.md."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open

from .camera import KINECT, Camera
from .model import Architecture, DepthNet, Normalization

FORMAT = "depthd-eigen2014"
FORMAT_VERSION = "1"


_DTYPES = {torch.float32: "F32", torch.float16: "F16"}


def write_safetensors(path: str | Path, tensors: dict[str, torch.Tensor],
                      metadata: dict[str, str] | None = None) -> None:
    """Write a safetensors file byte-for-byte deterministically (keys sorted, unlike the Rust
    writer whose metadata order changes from run to run). F32/F16 tensors only."""
    header: dict = {"__metadata__": dict(sorted((metadata or {}).items()))} if metadata else {}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to("cpu").contiguous()
        if t.dtype not in _DTYPES:
            raise ValueError(f"{name}: dtype {t.dtype} is not F32 or F16")
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data section starts 8-byte aligned
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for b in blobs:
            f.write(b)


def metadata_for(model: DepthNet, normalization: Normalization, name: str, description: str,
                 trained_on: str, metrics: dict | None = None,
                 history: list | None = None) -> dict[str, str]:
    """The contract's `__metadata__`, every value a string; `training_history` only when a
    history is given."""
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": model.arch.to_json(),
        "input_normalization": normalization.to_json(),
        "output": "log_depth_m",
        "camera": model.camera.to_json(),
        "name": name,
        "description": description,
        "trained_on": trained_on,
        "metrics": json.dumps(metrics or {}, separators=(",", ":")),
    }
    if history is not None:
        meta["training_history"] = json.dumps(history, separators=(",", ":"))
    return meta


def save_model(model: DepthNet, path: str | Path, normalization: Normalization = Normalization(), *,
               name: str, description: str, trained_on: str, metrics: dict | None = None,
               history: list | None = None, dtype: torch.dtype = torch.float32) -> None:
    """Write `model` to `path` (F32 or F16 storage) with the contract's metadata, its camera
    (`model.camera`) and, when given, its training history (one JSON object per run)."""
    if dtype not in (torch.float32, torch.float16):
        raise ValueError("storage dtype must be torch.float32 or torch.float16")
    a = model.arch
    if a.fine_pooled_size() != (a.output_width, a.output_height):
        raise ValueError("fine path's pooled size differs from the declared output size")
    tensors = {k: v.detach().to("cpu", dtype).contiguous() for k, v in model.state_dict().items()}
    write_safetensors(path, tensors, metadata_for(model, normalization, name, description,
                                                  trained_on, metrics, history))


def read_metadata(path: str | Path) -> dict[str, str]:
    """The `__metadata__` of a safetensors file."""
    with safe_open(str(path), framework="pt") as f:
        return dict(f.metadata() or {})


def camera_of(meta: dict[str, str], path: str | Path = "weights") -> Camera:
    """The `camera` of a weights file's metadata; the Kinect's when the key is absent."""
    if "camera" not in meta:
        return KINECT
    try:
        return Camera.from_json(meta["camera"])
    except (ValueError, TypeError) as e:
        raise ValueError(f"{path}: bad camera metadata {meta['camera']!r} ({e})") from None


def history_of(meta: dict[str, str], path: str | Path = "weights") -> list | None:
    """The `training_history` list of a weights file's metadata; None when the key is absent."""
    if "training_history" not in meta:
        return None
    try:
        history = json.loads(meta["training_history"])
    except ValueError as e:
        raise ValueError(f"{path}: training_history is not JSON ({e})") from None
    if not isinstance(history, list):
        raise ValueError(f"{path}: training_history must be a JSON list")
    return history


def load_model(path: str | Path) -> tuple[DepthNet, Normalization, dict[str, str]]:
    """Read a weights file; refuses one whose tensors disagree with its declared architecture.
    The model's `camera` is the file's (the Kinect's when the file has no `camera` key)."""
    with safe_open(str(path), framework="pt") as f:
        meta = dict(f.metadata() or {})
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: format is {meta.get('format')!r}, expected {FORMAT!r}")
        model = DepthNet(Architecture.from_json(meta["architecture"]), camera_of(meta, path))
        want = model.expected_shapes()
        have = set(f.keys())
        for k in sorted(have - set(want)):
            raise ValueError(f"{path}: unexpected tensor {k}")
        state = {}
        for k, shape in want.items():
            if k not in have:
                raise ValueError(f"{path}: missing tensor {k}")
            t = f.get_tensor(k)
            if tuple(t.shape) != shape:
                raise ValueError(f"{path}: tensor {k} has shape {tuple(t.shape)}, architecture says {shape}")
            state[k] = t.to(torch.float32)
    model.load_state_dict(state)
    model.eval()
    return model, Normalization.from_json(meta["input_normalization"]), meta
