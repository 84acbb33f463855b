"""The canonical camera of ../shared/design.md ("The camera contract"): a model predicts depth as
if its input had been taken with one fixed focal length. Training scales each depth label by
F / f (f: the frame's own focal length), evaluation scales predictions back by f / F."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Camera:
    """Horizontal focal length `focal_px` in pixels of an image `width` pixels wide; the weights
    metadata key `camera` as JSON `{"focal_px": F, "width": W}`."""

    focal_px: float
    width: int

    def __post_init__(self):
        if not (math.isfinite(self.focal_px) and self.focal_px > 0) or int(self.width) < 1:
            raise ValueError(f"camera needs a positive focal length and width, got {self.focal_px} px at {self.width}")

    def focal_at(self, width: int) -> float:
        """The same camera's focal length in pixels of an image `width` pixels wide."""
        return self.focal_px * width / self.width

    def to_json(self) -> str:
        """Compact JSON exactly as the weights contract writes it."""
        return json.dumps({"focal_px": self.focal_px, "width": self.width}, separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> "Camera":
        d = json.loads(text)
        if not isinstance(d, dict) or "focal_px" not in d or "width" not in d:
            raise ValueError(f"camera must be a JSON object with focal_px and width, got {text!r}")
        return Camera(float(d["focal_px"]), int(d["width"]))


#: NYU Depth v2's Kinect (fx = 518.86 px at 640 wide) on the 320-wide grid every sample is
#: brought to: the canonical camera, and what a weights file without a `camera` key means.
KINECT = Camera(259.43, 320)
