"""models/CREDITS.md: every asset that any frame of the generated splits shows, with its
creator and licence, split by split.

    python -m depth_training.render.photoreal.credits --data training/data/photoreal --out models/CREDITS.md
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import catalog
from .generate import used_assets

HEADER = """# Credits: assets in the bundled model's data

`models/eigen2014-synthetic.safetensors` was trained on frames rendered from these assets (Debian
packages `sweethome3d-furniture` and `sweethome3d`) and evaluated on held-out frames rendered from
others in the same packages. Every asset any frame shows is listed, by split. Licences as the
packages' copyright files state them; none is ShareAlike, all allow derivatives and commercial
use. Generator: `training/depth_training/render/photoreal` (docs/training-data.md).
"""


def credits(data: Path, lib: catalog.AssetLibrary, splits=("train", "val", "test")) -> str:
    parts = [HEADER]
    for split in splits:
        frames, used = used_assets(data / split)
        if frames:
            parts.append(f"## {split} ({frames} frames, {len(used)} assets)\n\n" + catalog.credits_markdown(lib, used))
    return "\n".join(parts)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=Path("training/data/photoreal"))
    p.add_argument("--assets", type=Path, default=Path("training/data/assets"))
    p.add_argument("--out", type=Path, default=Path("models/CREDITS.md"))
    a = p.parse_args(argv)
    a.out.write_text(credits(a.data, catalog.extract(a.assets)))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
