"""The multi-scale depth network of Eigen, Puhrsch & Fergus (NIPS 2014): the single definition
of the architecture. Module names are the tensor names of docs/weights-format.md."""
from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

import torch
from torch import nn
import torch.nn.functional as F

from .camera import KINECT, Camera


def conv_out(size: int, kernel: int, stride: int) -> int:
    """Output length of a valid convolution."""
    return (size - kernel) // stride + 1


def pool_out(size: int) -> int:
    """Output length of 3x3 / 2 max pooling in ceil mode (partial windows kept at the border)."""
    return math.ceil((size - 3) / 2) + 1


@dataclass(frozen=True)
class Architecture:
    """Layer widths and sizes; serialises to the `architecture` metadata JSON of the contract."""

    input_width: int = 304
    input_height: int = 228
    output_width: int = 74
    output_height: int = 55
    coarse: dict = field(default_factory=lambda: dict(conv1=96, conv2=256, conv3=384, conv4=384, conv5=256, fc6=4096))
    fine: dict = field(default_factory=lambda: dict(conv1=63, conv2=64))

    def __post_init__(self):
        want_c = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6"]
        if sorted(self.coarse) != sorted(want_c) or sorted(self.fine) != ["conv1", "conv2"]:
            raise ValueError(f"architecture needs coarse {want_c} and fine ['conv1', 'conv2'] widths")
        if any(int(v) < 1 for v in [*self.coarse.values(), *self.fine.values()]):
            raise ValueError("every layer width must be at least 1")
        if self.input_width < 11 or self.input_height < 11:
            raise ValueError("input must be at least 11 x 11")
        fw, fh = self.fine_pooled_size()
        if (fw, fh) != (self.output_width, self.output_height):
            raise ValueError(f"fine path pools to {fw} x {fh} but the output is declared "
                             f"{self.output_width} x {self.output_height}")

    def fine_pooled_size(self) -> tuple[int, int]:
        """(w, h) after fine.conv1 (9x9/2) and the 3x3/2 ceil pool."""
        return (pool_out(conv_out(self.input_width, 9, 2)), pool_out(conv_out(self.input_height, 9, 2)))

    def pool5_size(self) -> tuple[int, int]:
        """(w, h) after conv1 (11x11/4) and three ceil pools."""
        w, h = conv_out(self.input_width, 11, 4), conv_out(self.input_height, 11, 4)
        for _ in range(3):
            w, h = pool_out(w), pool_out(h)
        return w, h

    def to_json(self) -> str:
        """Compact JSON exactly as the weights contract writes it."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> "Architecture":
        d = json.loads(text)
        return Architecture(
            input_width=int(d["input_width"]), input_height=int(d["input_height"]),
            output_width=int(d["output_width"]), output_height=int(d["output_height"]),
            coarse={k: int(v) for k, v in d["coarse"].items()},
            fine={k: int(v) for k, v in d["fine"].items()})

    @staticmethod
    def sized(input_width: int, input_height: int, c: tuple, fc6: int, g: tuple) -> "Architecture":
        """Build an architecture from widths; the output size follows from the input size."""
        ow = pool_out(conv_out(input_width, 9, 2))
        oh = pool_out(conv_out(input_height, 9, 2))
        return Architecture(input_width, input_height, ow, oh,
                            dict(conv1=c[0], conv2=c[1], conv3=c[2], conv4=c[3], conv5=c[4], fc6=fc6),
                            dict(conv1=g[0], conv2=g[1]))


#: Named variants. `paper` is the full size of the paper; the others keep its topology.
VARIANTS: dict[str, Architecture] = {
    "paper": Architecture(),
    # Half the coarse conv widths, a quarter of fc6, the paper's fine network (12.3 M parameters).
    "half": Architecture.sized(304, 228, (48, 128, 192, 192, 128), 1024, (63, 64)),
    # The bundled model: quarter-width coarse convs, fc6 1024, fine 32/32 (8.0 M parameters).
    "small": Architecture.sized(304, 228, (24, 64, 96, 96, 64), 1024, (32, 32)),
    # A quarter of the coarse conv widths, fc6 512, fine 32/32 (4.1 M parameters).
    "quarter": Architecture.sized(304, 228, (24, 64, 96, 96, 64), 512, (32, 32)),
    # Paper input and output size with tiny widths: for fast tests of the training pipeline.
    "tiny": Architecture.sized(304, 228, (4, 8, 8, 8, 8), 16, (4, 4)),
    # Tiny golden-file variants (non-paper input sizes; even sizes exercise partial pool windows).
    "golden-a": Architecture.sized(96, 72, (8, 12, 16, 16, 12), 64, (7, 8)),
    "golden-b": Architecture.sized(140, 108, (10, 20, 24, 20, 16), 96, (11, 6)),
}


@dataclass(frozen=True)
class Normalization:
    """Network input = (pixel / 255 - mean[c]) / std[c], RGB planar."""

    mean: tuple = (0.485, 0.456, 0.406)
    std: tuple = (0.229, 0.224, 0.225)

    def to_json(self) -> str:
        return json.dumps({"mean": list(self.mean), "std": list(self.std)}, separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> "Normalization":
        d = json.loads(text)
        return Normalization(tuple(float(v) for v in d["mean"]), tuple(float(v) for v in d["std"]))

    def apply(self, rgb: torch.Tensor) -> torch.Tensor:
        """rgb (N, 3, H, W) in 0..255 -> normalised network input (N, 3, H, W)."""
        mean = torch.tensor(self.mean, dtype=rgb.dtype, device=rgb.device).view(1, 3, 1, 1)
        std = torch.tensor(self.std, dtype=rgb.dtype, device=rgb.device).view(1, 3, 1, 1)
        return (rgb / 255.0 - mean) / std


def _pool(x: torch.Tensor) -> torch.Tensor:
    return F.max_pool2d(x, kernel_size=3, stride=2, ceil_mode=True)


class Coarse(nn.Module):
    """Global network: 5 conv + 2 fully connected; output (N, 1, oh, ow) log depth."""

    def __init__(self, a: Architecture):
        super().__init__()
        c = a.coarse
        self.a = a
        self.conv1 = nn.Conv2d(3, c["conv1"], 11, stride=4)
        self.conv2 = nn.Conv2d(c["conv1"], c["conv2"], 5, padding=2)
        self.conv3 = nn.Conv2d(c["conv2"], c["conv3"], 3, padding=1)
        self.conv4 = nn.Conv2d(c["conv3"], c["conv4"], 3, padding=1)
        self.conv5 = nn.Conv2d(c["conv4"], c["conv5"], 3, padding=1)
        pw, ph = a.pool5_size()
        self.fc6 = nn.Linear(c["conv5"] * ph * pw, c["fc6"])
        self.fc7 = nn.Linear(c["fc6"], a.output_height * a.output_width)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x: torch.Tensor, acts: dict | None = None) -> torch.Tensor:
        def keep(name, t):
            if acts is not None:
                acts["act.coarse." + name] = t
            return t
        x = keep("conv1", F.relu(self.conv1(x)))   # (N, c1, h1, w1)
        x = keep("pool1", _pool(x))                # (N, c1, ., .) ceil mode
        x = keep("conv2", F.relu(self.conv2(x)))   # (N, c2, ., .)
        x = keep("pool2", _pool(x))
        x = keep("conv3", F.relu(self.conv3(x)))   # (N, c3, ., .)
        x = keep("conv4", F.relu(self.conv4(x)))   # (N, c4, ., .)
        x = keep("conv5", F.relu(self.conv5(x)))   # (N, c5, ., .)
        x = keep("pool5", _pool(x))                # (N, c5, p5h, p5w)
        x = x.flatten(1)                           # (N, c5 * p5h * p5w), (C, H, W) order
        x = keep("fc6", F.relu(self.fc6(x)))       # (N, f6)
        x = self.dropout(x)
        x = keep("fc7", self.fc7(x))               # (N, oh * ow)
        return x.view(-1, 1, self.a.output_height, self.a.output_width)  # (N, 1, oh, ow) row-major


class Fine(nn.Module):
    """Local network: 9x9/2 conv, pool, concat coarse output as the last channel, 2 convs."""

    def __init__(self, a: Architecture):
        super().__init__()
        g = a.fine
        self.conv1 = nn.Conv2d(3, g["conv1"], 9, stride=2)
        self.conv2 = nn.Conv2d(g["conv1"] + 1, g["conv2"], 5, padding=2)
        self.conv3 = nn.Conv2d(g["conv2"], 1, 5, padding=2)

    def forward(self, x: torch.Tensor, coarse: torch.Tensor, acts: dict | None = None) -> torch.Tensor:
        def keep(name, t):
            if acts is not None:
                acts["act.fine." + name] = t
            return t
        x = keep("conv1", F.relu(self.conv1(x)))     # (N, g1, fh, fw)
        x = keep("pool", _pool(x))                   # (N, g1, oh, ow)
        x = keep("concat", torch.cat([x, coarse], 1))  # (N, g1 + 1, oh, ow)
        x = keep("conv2", F.relu(self.conv2(x)))     # (N, g2, oh, ow)
        return self.conv3(x)                         # (N, 1, oh, ow) log depth in metres


class DepthNet(nn.Module):
    """Coarse + fine network. forward(x) -> log depth (N, 1, oh, ow) for input (N, 3, H, W), as
    if the input had been taken with `camera` (the canonical camera; not a tensor)."""

    def __init__(self, arch: Architecture | str = "paper", camera: Camera = KINECT):
        super().__init__()
        self.arch = VARIANTS[arch] if isinstance(arch, str) else arch
        self.camera = camera
        self.coarse = Coarse(self.arch)
        self.fine = Fine(self.arch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fine(x, self.coarse(x))

    def forward_coarse(self, x: torch.Tensor) -> torch.Tensor:
        """Coarse prediction alone, (N, 1, oh, ow): what stage one trains."""
        return self.coarse(x)

    def forward_with_activations(self, x: torch.Tensor) -> "OrderedDict[str, torch.Tensor]":
        """Every activation named as in the contract (`act.coarse.conv1` ... `act.output`)."""
        acts: OrderedDict[str, torch.Tensor] = OrderedDict()
        coarse = self.coarse(x, acts)
        acts["act.output"] = self.fine(x, coarse, acts)
        return acts

    def init_paper(self, generator: torch.Generator | None = None) -> None:
        """Initialisation of eigen2014.md: weights N(0, 0.01) (fine.conv1: N(0, 0.001)), biases 0."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith(".bias"):
                    p.zero_()
                else:
                    std = 0.001 if name == "fine.conv1.weight" else 0.01
                    p.normal_(0.0, std, generator=generator)

    def init_scratch(self, generator: torch.Generator | None = None) -> None:
        """The paper's initialisation for training without ImageNet weights: the paper started
        the coarse conv layers from AlexNet, which is not at hand, so they get He-normal weights
        (std sqrt(2 / fan_in), which keeps the signal alive through five ReLU layers) in its
        place; fully connected layers and the fine network as init_paper."""
        self.init_paper(generator)
        with torch.no_grad():
            for name in ("conv1", "conv2", "conv3", "conv4", "conv5"):
                w = getattr(self.coarse, name).weight
                w.normal_(0.0, math.sqrt(2.0 / w[0].numel()), generator=generator)

    def expected_shapes(self) -> dict[str, tuple]:
        """Tensor name -> shape, as the contract lists them."""
        return {k: tuple(v.shape) for k, v in self.state_dict().items()}
