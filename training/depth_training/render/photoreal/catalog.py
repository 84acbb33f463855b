"""The asset packages: Sweet Home 3D's furniture catalogs (Debian `sweethome3d-furniture`) and the
floor, wall and sky textures inside `sweethome3d.jar` (Debian `sweethome3d`).

Each catalog is a zip (`.sh3f`) holding OBJ + MTL models with their textures and a
`PluginFurnitureCatalog.properties` that lists every model with its real size in cm, category,
creator, elevation, the height of its top surface (`dropOnTopElevation`), an optional
`modelRotation` and light sources. `extract` unpacks them once into a cache, repairs what would
crash Blender's importer or render garbage (faces of fewer than 3 vertices, textures named by
their authors' absolute `C:/...` paths, textures that are not there), and returns one `Asset` per
model. `split` holds a fixed share of models and textures out of training, per category, by a
hash of their names, so the test frames are built from assets no training frame shows.

Plain Python (no numpy, no torch): Blender's interpreter imports it too."""
from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

FURNITURE_DIR = Path("/usr/share/sweethome3d/furniture")
APP_JAR = Path("/usr/share/sweethome3d/sweethome3d.jar")
TEXTURE_PREFIX = "com/eteks/sweethome3d/io/resources/textures/"
CACHE_VERSION = "1"

# Licences as the packages' copyright files state them, and the credit each one asks for
# (None: credit the model's own `creator`).
LICENCES = {
    "BlendSwap-CC-0": ("CC0 1.0", None),
    "BlendSwap-CC-BY": ("CC-BY 3.0", None),
    "KatorLegaz": ("CC-BY 3.0 US", "Andrew Kator & Jennifer Legaz"),
    "Reallusion": ("CC-BY 3.0 US", "Reallusion"),
    "Scopia": ("CC-BY 3.0", "Emmanuel Puybaret / eTeks and Scopia Visual Interfaces Systems, s.l."),
}
TEXTURE_LICENCE = ("GPL-2+ / CC-BY 3.0", "(c) eTeks (Sweet Home 3D)")

# The jar's textures by use. Brick and stone walls made frames look less like homes
# (../shared/rendering.md), so the layout draws them rarely.
TEXTURE_USES = {
    "floor": ["woodenFloor", "oldWoodenFloor", "beigeTile", "blackAndWhiteTiles", "blueTiles",
              "darkBlueTile", "greyTile", "lightBlueTile", "redTiles", "stoneTiles"],
    "wall": ["roughcast", "wallBeigeTile", "marbleWall", "smallWhiteBricks", "smallBricks",
             "smallRedBricks", "stoneWall", "stone2Wall", "stone3Wall"],
    "sky": ["blueSky", "cloudy", "veryCloudy"],
    "ground": ["grass", "pavingStone", "pebbles"],
}


@dataclass
class Asset:
    """One catalog model, sizes in metres (Sweet Home 3D's cm / 100)."""
    id: str
    name: str
    category: str
    catalog: str
    creator: str
    obj: str                 # absolute path of the repaired OBJ
    width: float             # x extent
    depth: float             # front-to-back extent
    height: float
    elevation: float = 0.0   # bottom above the floor (wall cabinets, windows)
    top: float | None = None  # height of the surface small objects stand on, None if none
    rotation: list[float] | None = None  # modelRotation: 3x3 row-major, in the model's frame
    door_or_window: bool = False
    light: list[float] | None = None     # first light source: x, y, z as fractions of the box
                                         # (x from the left, y from the back, z from the bottom)
    tags: str = ""

    @property
    def licence(self) -> str:
        return LICENCES[self.catalog][0]

    @property
    def credit(self) -> str:
        return LICENCES[self.catalog][1] or self.creator


@dataclass
class Texture:
    name: str
    use: str
    path: str


@dataclass
class AssetLibrary:
    assets: list[Asset]
    textures: list[Texture]
    rejected: dict[str, str] = field(default_factory=dict)  # id -> why it was left out

    def to_json(self) -> str:
        return json.dumps({"assets": [asdict(a) for a in self.assets],
                           "textures": [asdict(t) for t in self.textures],
                           "rejected": self.rejected})

    @staticmethod
    def from_json(text: str) -> "AssetLibrary":
        d = json.loads(text)
        return AssetLibrary([Asset(**a) for a in d["assets"]], [Texture(**t) for t in d["textures"]],
                            d.get("rejected", {}))


def parse_properties(text: str) -> dict[str, str]:
    """Java .properties: `key=value` lines, `#`/`!` comments, backslash line continuations and
    `\\uXXXX` escapes (the files are ISO-8859-1 with escapes for the rest)."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].lstrip()
        i += 1
        if not line or line[0] in "#!":
            continue
        while line.endswith("\\") and not line.endswith("\\\\") and i < len(lines):
            line = line[:-1] + lines[i].lstrip()
            i += 1
        m = re.match(r"((?:[^=:\s\\]|\\.)+)\s*[=:]?\s*(.*)$", line)
        if not m:
            continue
        key, value = (re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g.group(1), 16)), s)
                      for s in m.groups())
        out[key.replace("\\", "")] = value.replace("\\n", "\n").replace("\\", "")
    return out


def catalog_entries(props: dict[str, str]) -> list[dict[str, str]]:
    """`name#N`, `model#N`, ... -> one dict per N, in N order."""
    entries: dict[int, dict[str, str]] = {}
    for key, value in props.items():
        name, sep, n = key.partition("#")
        if sep and n.isdigit():
            entries.setdefault(int(n), {})[name] = value
    return [entries[n] for n in sorted(entries)]


def _float(entry: dict, key: str, default: float | None = None) -> float | None:
    try:
        return float(entry[key])
    except (KeyError, ValueError):
        return default


def repair_obj(obj: Path) -> tuple[Path, list[str]]:
    """Write OBJ.clean.obj and its MTL.clean.mtl beside `obj`: faces of fewer than 3 vertices and
    point/line elements dropped (Blender 3.4's importer crashes on them), texture paths reduced to
    files that exist beside the model (authors' absolute paths rewritten, missing ones dropped;
    a material left black by a dropped texture turns mid grey). Returns the path and notes."""
    notes: list[str] = []
    folder = obj.parent
    files = {p.name.lower(): p.name for p in folder.iterdir()}
    out_lines, dropped = [], 0
    for line in obj.read_text(errors="replace").splitlines():
        head = line.split(" ", 1)[0]
        if head == "f" and len(line.split()) < 4 or head in ("l", "p"):
            dropped += 1
            continue
        if head == "mtllib":
            names = line.split(None, 1)[1].strip() if " " in line else ""
            fixed = []
            for mtl in names.split():
                src = folder / files.get(Path(mtl.replace("\\", "/")).name.lower(), mtl)
                if src.exists():
                    fixed.append(_repair_mtl(src, files, notes).name)
                else:
                    notes.append(f"missing material library {mtl}")
            line = "mtllib " + " ".join(fixed) if fixed else ""
        out_lines.append(line)
    if dropped:
        notes.append(f"dropped {dropped} degenerate elements")
    clean = obj.with_suffix(".clean.obj")
    clean.write_text("\n".join(out_lines) + "\n")
    return clean, notes


def _repair_mtl(mtl: Path, files: dict[str, str], notes: list[str]) -> Path:
    out, dropped_map, kd_line = [], False, None

    def flush_material():
        nonlocal dropped_map, kd_line
        if dropped_map and kd_line is not None:
            rgb = [float(v) for v in out[kd_line].split()[1:4]] if len(out[kd_line].split()) >= 4 else [0, 0, 0]
            if max(rgb) < 0.05:
                out[kd_line] = "Kd 0.6 0.6 0.6"
        dropped_map, kd_line = False, None

    for line in mtl.read_text(errors="replace").splitlines():
        parts = line.split()
        if parts and parts[0] == "newmtl":
            flush_material()
        if parts and parts[0] == "Kd":
            kd_line = len(out)
        if parts and parts[0].startswith("map_") or parts and parts[0] in ("bump", "disp", "decal", "refl"):
            name = Path(parts[-1].replace("\\", "/")).name
            real = files.get(name.lower())
            if real is None:
                notes.append(f"missing texture {parts[-1]}")
                dropped_map = dropped_map or parts[0] == "map_Kd"
                continue
            line = f"{parts[0]} {real}"
        out.append(line)
    flush_material()
    clean = mtl.with_suffix(".clean.mtl")
    clean.write_text("\n".join(out) + "\n")
    return clean


def extract(cache: str | Path, furniture_dir: Path = FURNITURE_DIR, jar: Path = APP_JAR) -> AssetLibrary:
    """Unpack and repair every catalog into `cache` (once; later calls read `cache/library.json`)."""
    cache = Path(cache)
    index = cache / "library.json"
    stamp = f"{CACHE_VERSION}:{sorted(p.name for p in furniture_dir.glob('*.sh3f'))}"
    if index.exists() and (cache / "stamp").read_text() == stamp:
        return AssetLibrary.from_json(index.read_text())
    if not furniture_dir.is_dir():
        raise FileNotFoundError(f"{furniture_dir}: no catalogs (apt-get install sweethome3d-furniture)")
    assets, rejected = [], {}
    for sh3f in sorted(furniture_dir.glob("*.sh3f")):
        name = sh3f.stem
        if name not in LICENCES:
            continue  # a catalog whose licence we have not read is not used
        root = cache / name
        with zipfile.ZipFile(sh3f) as z:
            z.extractall(root)
        props = parse_properties((root / "PluginFurnitureCatalog.properties").read_text("latin-1"))
        for e in catalog_entries(props):
            aid = e.get("id", e.get("name", "?"))
            model = root / e.get("model", "").lstrip("/")
            size = [_float(e, k) for k in ("width", "depth", "height")]
            if not model.is_file() or model.suffix.lower() != ".obj":
                rejected[aid] = f"model {e.get('model')} is not an OBJ file in the catalog"
                continue
            if any(s is None or s <= 0 for s in size):
                rejected[aid] = "no positive width/depth/height"
                continue
            clean, _ = repair_obj(model)
            rot = e.get("modelRotation")
            light = None
            if all(k in e for k in ("lightSourceX", "lightSourceY", "lightSourceZ")):
                try:  # the first source, in cm inside the model's box -> fractions of it
                    xyz = [float(e[k].split()[0]) for k in ("lightSourceX", "lightSourceY", "lightSourceZ")]
                    light = [min(max(v / s, 0.0), 1.0) for v, s in zip(xyz, size)]
                except (ValueError, IndexError):
                    light = None
            top = _float(e, "dropOnTopElevation")
            assets.append(Asset(
                id=aid, name=e.get("name", aid), category=e.get("category", "Miscellaneous"),
                catalog=name, creator=e.get("creator", "unknown"), obj=str(clean),
                width=size[0] / 100, depth=size[1] / 100, height=size[2] / 100,
                elevation=(_float(e, "elevation", 0.0) or 0.0) / 100,
                top=top / 100 if top is not None and top > 0 else None,
                rotation=[float(v) for v in rot.split()] if rot and len(rot.split()) == 9 else None,
                door_or_window=e.get("doorOrWindow", "false") == "true",
                light=light, tags=e.get("tags", "")))
    textures = []
    with zipfile.ZipFile(jar) as z:
        for use, names in TEXTURE_USES.items():
            for t in names:
                member = f"{TEXTURE_PREFIX}{t}.jpg"
                if member in z.namelist():
                    z.extract(member, cache / "textures")
                    textures.append(Texture(t, use, str(cache / "textures" / member)))
    lib = AssetLibrary(assets, textures, rejected)
    index.write_text(lib.to_json())
    (cache / "stamp").write_text(stamp)
    return lib


def _held_out(names: list[str], share: float, salt: str) -> set[str]:
    """The first ceil(share * n) names by a salted hash (at least one, never all of two or more)."""
    ranked = sorted(names, key=lambda n: hashlib.sha1(f"{salt}:{n}".encode()).hexdigest())
    k = min(max(1, -(-int(share * 1000) * len(names) // 1000)), max(len(names) - 1, 1))
    return set(ranked[:k]) if len(names) > 1 else set()


def split(lib: AssetLibrary, part: str, share: float = 0.15, salt: str = "depthd-photoreal-1") -> AssetLibrary:
    """The `train` or `test` part of the library: per model category and per texture use, a fixed
    share (by a salted hash of the id) is held out for `test`; `train` gets the rest."""
    if part not in ("train", "test"):
        raise ValueError("part must be 'train' or 'test'")
    held: set[str] = set()
    for cat in {a.category for a in lib.assets}:
        held |= _held_out([a.id for a in lib.assets if a.category == cat], share, salt)
    for use in TEXTURE_USES:
        held |= _held_out([t.name for t in lib.textures if t.use == use], share, salt)
    keep = (lambda n: n in held) if part == "test" else (lambda n: n not in held)
    return AssetLibrary([a for a in lib.assets if keep(a.id)],
                        [t for t in lib.textures if keep(t.name)], lib.rejected)


def credits_markdown(lib: AssetLibrary, used_ids: set[str] | None = None) -> str:
    """One line per asset (or per used asset): name, catalog, creator to credit, licence."""
    rows = ["| asset | id | catalog | credit | licence |", "|---|---|---|---|---|"]
    for a in sorted(lib.assets, key=lambda a: (a.catalog, a.id)):
        if used_ids is None or a.id in used_ids:
            rows.append(f"| {a.name} | {a.id} | {a.catalog} | {a.credit} | {a.licence} |")
    for t in lib.textures:
        if used_ids is None or t.name in used_ids:
            rows.append(f"| {t.name} texture | {t.name}.jpg | sweethome3d.jar | {TEXTURE_LICENCE[1]} | {TEXTURE_LICENCE[0]} |")
    return "\n".join(rows) + "\n"


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
