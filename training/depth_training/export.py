"""Save and load the safetensors weights file of docs/weights-format.md."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open

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
                 trained_on: str, metrics: dict | None = None) -> dict[str, str]:
    """The contract's `__metadata__`, every value a string."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": model.arch.to_json(),
        "input_normalization": normalization.to_json(),
        "output": "log_depth_m",
        "name": name,
        "description": description,
        "trained_on": trained_on,
        "metrics": json.dumps(metrics or {}, separators=(",", ":")),
    }


def save_model(model: DepthNet, path: str | Path, normalization: Normalization = Normalization(), *,
               name: str, description: str, trained_on: str, metrics: dict | None = None,
               dtype: torch.dtype = torch.float32) -> None:
    """Write `model` to `path` (F32 or F16 storage) with the contract's metadata."""
    if dtype not in (torch.float32, torch.float16):
        raise ValueError("storage dtype must be torch.float32 or torch.float16")
    a = model.arch
    if a.fine_pooled_size() != (a.output_width, a.output_height):
        raise ValueError("fine path's pooled size differs from the declared output size")
    tensors = {k: v.detach().to("cpu", dtype).contiguous() for k, v in model.state_dict().items()}
    write_safetensors(path, tensors, metadata_for(model, normalization, name, description,
                                                        trained_on, metrics))


def read_metadata(path: str | Path) -> dict[str, str]:
    """The `__metadata__` of a safetensors file."""
    with safe_open(str(path), framework="pt") as f:
        return dict(f.metadata() or {})


def load_model(path: str | Path) -> tuple[DepthNet, Normalization, dict[str, str]]:
    """Read a weights file; refuses one whose tensors disagree with its declared architecture."""
    with safe_open(str(path), framework="pt") as f:
        meta = dict(f.metadata() or {})
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: format is {meta.get('format')!r}, expected {FORMAT!r}")
        model = DepthNet(Architecture.from_json(meta["architecture"]))
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
