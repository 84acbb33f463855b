"""Rooms as plain data: a floor plan, openings, surfaces, furniture placed as people place it,
and lights. Everything is drawn from one `random.Random(seed)`, so a room is reproducible from
its seed and the asset library. Plain Python: Blender's interpreter imports this file too.

Coordinates: metres, z up, the floor at z = 0, the room spanning [0, width] x [0, depth].
A placed model stands with its bottom centre at (x, y, z), its front turned by `yaw` from -y
(yaw 0: the front faces -y)."""
from __future__ import annotations

import math
import random
import re
from dataclasses import asdict, dataclass, field

ROOM_TYPES = {  # type: (weight, catalog categories its main furniture comes from)
    "living": (3, ["Living room"]),
    "bedroom": (2, ["Bedroom"]),
    "kitchen": (2, ["Kitchen"]),
    "office": (2, ["Office"]),
    "dining": (1, ["Living room", "Kitchen"]),
    "bathroom": (1, ["Bathroom"]),
}
SMALL = re.compile(r"vase|bottle|cup|glass|bowl|plate|book|lamp|plant|candle|teapot|laptop|phone|radio|"
                   r"clock|watch|toaster|kettle|fruit|box|remote|speaker|tray|jar|pot|flacon|soap|teddy|"
                   r"keyboard|screen|penbox|stapler|sugar|milk|camera|headphone|tablet|mixer|microwave|"
                   r"scale|gift|puzzle|cube|shoes|hat|handbag|orchid|flowers|tulip|lily|succulent", re.I)
SURFACE = re.compile(r"table|desk|shelf|shelves|bookcase|cabinet|dresser|drawer|counter|island|stand|vanity", re.I)
STRUCTURE = re.compile(r"plug|switch|socket|dimmer|intercom|rj45|antenna|smoke detector|thermometer|"
                       r"emergency|elevator|escalator|staircase|railing|column|fence|garage|pool|swimming", re.I)
RUG = re.compile(r"rug|carpet|doormat", re.I)
CEILING_LIGHT = re.compile(r"hanging|pendant|ceiling|chandelier|fluorescent|track", re.I)
TABLE_LAMP = re.compile(r"desk lamp|little lamp|^lamp$|pedestal vase lamp", re.I)


@dataclass
class Placement:
    asset: str           # Asset.id
    x: float
    y: float
    z: float
    yaw: float           # radians
    role: str            # wall | free | top | rug | person | light | window | door | wallhung


@dataclass
class Opening:
    wall: int            # 0: y = 0, 1: x = width, 2: y = depth, 3: x = 0
    offset: float        # centre along the wall, metres from its start
    width: float
    bottom: float
    top: float
    asset: str | None    # the window or door model in it


@dataclass
class Light:
    x: float
    y: float
    z: float
    kelvin: float
    watts: float
    radius: float


@dataclass
class Room:
    seed: int
    kind: str
    width: float
    depth: float
    height: float
    floor: str                    # texture name
    floor_repeat: float           # metres per texture tile
    wall_colour: list[float]      # linear RGB
    wall_texture: str | None
    openings: list[Opening] = field(default_factory=list)
    items: list[Placement] = field(default_factory=list)
    lights: list[Light] = field(default_factory=list)
    sun_elevation: float = 0.5    # radians
    sun_azimuth: float = 0.0
    sun_strength: float = 3.0
    sky_strength: float = 1.0
    ground: str | None = None     # texture outside the windows

    def to_dict(self) -> dict:
        return asdict(self)


def wall_frame(room: Room, wall: int) -> tuple[tuple[float, float], tuple[float, float], float]:
    """(start point, unit direction along the wall, its length); the room's inside is to the
    left of the direction, and a model's back against this wall has yaw = the returned yaw."""
    w, d = room.width, room.depth
    return [((0.0, 0.0), (1.0, 0.0), w), ((w, 0.0), (0.0, 1.0), d),
            ((w, d), (-1.0, 0.0), w), ((0.0, d), (0.0, -1.0), d)][wall]


def yaw_facing_in(wall: int) -> float:
    """Yaw of a model whose back is against `wall`: its front (-y at yaw 0) points into the room."""
    return [math.pi, -math.pi / 2, 0.0, math.pi / 2][wall]


def footprint(a, x: float, y: float, yaw: float, margin: float = 0.0) -> tuple[float, float, float, float]:
    """Axis-aligned box (x0, y0, x1, y1) around a model's rotated footprint."""
    c, s = abs(math.cos(yaw)), abs(math.sin(yaw))
    hx = (a.width * c + a.depth * s) / 2 + margin
    hy = (a.width * s + a.depth * c) / 2 + margin
    return x - hx, y - hy, x + hx, y + hy


def overlaps(b, boxes) -> bool:
    return any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in boxes)


def kelvin_rgb(k: float) -> list[float]:
    """Approximate linear RGB of a black body at k kelvin (Tanner Helland's fit, then to linear)."""
    t = k / 100
    r = 255 if t <= 66 else 329.7 * (t - 60) ** -0.1332
    g = 99.47 * math.log(t) - 161.1 if t <= 66 else 288.1 * (t - 60) ** -0.0755
    b = 255 if t >= 66 else (0 if t <= 19 else 138.5 * math.log(t - 10) - 305.0)
    return [(min(max(v, 0), 255) / 255) ** 2.2 for v in (r, g, b)]


class RoomPlanner:
    """Draws rooms from a (split) asset library."""

    def __init__(self, library):
        self.lib = library
        usable = [a for a in library.assets if not STRUCTURE.search(a.name)]
        self.by_cat: dict[str, list] = {}
        for a in usable:
            self.by_cat.setdefault(a.category, []).append(a)
        self.windows = [a for a in usable if a.door_or_window and "window" in a.name.lower()
                        and a.width < 2.5 and a.height < 2.2]
        self.doors = [a for a in usable if a.door_or_window and "door" in a.name.lower()
                      and a.height < 2.4 and a.width < 1.8]
        self.people = [a for a in self.by_cat.get("Characters", []) if a.height > 0.9]
        lights = self.by_cat.get("Lights", [])
        self.ceiling_lights = [a for a in lights if CEILING_LIGHT.search(a.name) and a.height < 1.0]
        self.table_lamps = [a for a in lights if TABLE_LAMP.search(a.name) and a.height < 0.8]
        self.floor_lamps = [a for a in lights if a.name == "Lamp" and a.height >= 1.2]
        self.small = [a for a in usable if SMALL.search(a.name) and a.height < 0.5 and a.width < 0.6
                      and a.depth < 0.6 and not a.door_or_window and a.category != "Characters"]
        self.rugs = [a for a in usable if RUG.search(a.name)]
        self.pictures = [a for a in usable if re.search(r"frame|artwork|flat tv", a.name, re.I)]
        self.curtains = [a for a in usable if re.search(r"^curtain$|window blind", a.name, re.I)]
        self.textures = {u: [t.name for t in library.textures if t.use == u]
                         for u in ("floor", "wall", "ground")}

    def furniture(self, kind: str) -> list:
        cats = ROOM_TYPES[kind][1]
        pool = [a for c in cats for a in self.by_cat.get(c, [])
                if not a.door_or_window and a.height >= 0.3 and a.width * a.depth > 0.05
                and a.width < 3.5 and a.depth < 3.0 and a.height < 2.6 and not RUG.search(a.name)]
        return pool + [a for a in self.by_cat.get("Miscellaneous", [])
                       if re.search(r"plant|ficus|yucca|bamboo|piano|radiator|bin|basket|chest|"
                                    r"bookcase|suitcase|mannequin|guitar|bike|treadmill", a.name, re.I)
                       and a.height >= 0.3]

    def plan(self, seed: int) -> Room:
        rng = random.Random(seed)
        kinds = list(ROOM_TYPES)
        kind = rng.choices(kinds, [ROOM_TYPES[k][0] for k in kinds])[0]
        w, d = rng.uniform(2.8, 6.5), rng.uniform(3.0, 7.5)
        paint = rng.choice([(0.85, 0.83, 0.78), (0.9, 0.9, 0.9), (0.75, 0.8, 0.85), (0.85, 0.78, 0.65),
                            (0.7, 0.75, 0.65), (0.9, 0.85, 0.8), (0.6, 0.62, 0.65), (0.8, 0.7, 0.7)])
        room = Room(
            seed=seed, kind=kind, width=w, depth=d, height=rng.uniform(2.4, 3.0),
            floor=rng.choice(self.textures["floor"]), floor_repeat=rng.uniform(0.5, 1.6),
            wall_colour=[min(1.0, c * rng.uniform(0.85, 1.1)) ** 2.2 for c in paint],
            wall_texture=rng.choice(self.textures["wall"]) if rng.random() < 0.12 else None,
            sun_elevation=rng.uniform(0.15, 1.1), sun_azimuth=rng.uniform(0, 2 * math.pi),
            sun_strength=rng.uniform(1.0, 6.0), sky_strength=rng.uniform(0.3, 1.5),
            ground=rng.choice(self.textures["ground"]) if self.textures["ground"] else None)
        boxes: list[tuple] = []
        self._openings(room, rng, boxes)
        self._furnish(room, rng, boxes)
        self._light(room, rng)
        return room

    def _openings(self, room: Room, rng: random.Random, boxes: list) -> None:
        walls = [0, 1, 2, 3]
        rng.shuffle(walls)
        n_windows = rng.choices([0, 1, 2, 3], [1, 4, 3, 1])[0] if self.windows else 0
        for wall in walls[:n_windows]:
            a = rng.choice(self.windows)
            _, _, length = wall_frame(room, wall)
            if a.width > length - 0.6:
                continue
            bottom = a.elevation if 0.05 < a.elevation < 1.2 else rng.uniform(0.7, 1.0)
            top = min(bottom + a.height, room.height - 0.1)
            room.openings.append(Opening(wall, rng.uniform(a.width / 2 + 0.3, length - a.width / 2 - 0.3),
                                         a.width, bottom, top, a.id))
        if self.doors and rng.random() < 0.7:
            wall = walls[-1]
            a = rng.choice(self.doors)
            (sx, sy), (dx, dy), length = wall_frame(room, wall)
            if a.width < length - 0.6:
                off = rng.uniform(a.width / 2 + 0.2, length - a.width / 2 - 0.2)
                room.openings.append(Opening(wall, off, a.width, 0.0, min(a.height, room.height - 0.05), a.id))
                cx, cy = sx + dx * off, sy + dy * off
                boxes.append((cx - 0.8, cy - 0.8, cx + 0.8, cy + 0.8))  # keep the door's swing free
        for o in room.openings:
            if o.bottom < 0.5:
                (sx, sy), (dx, dy), _ = wall_frame(room, o.wall)
                cx, cy = sx + dx * o.offset, sy + dy * o.offset
                h = o.width / 2 + 0.2
                boxes.append((cx - h, cy - h, cx + h, cy + h))  # French windows and doors stay clear
        for o in room.openings:
            if o.asset and o.bottom >= 0.5 and self.curtains and rng.random() < 0.35:
                c = rng.choice(self.curtains)
                (sx, sy), (dx, dy), _ = wall_frame(room, o.wall)
                inset = c.depth / 2 + 0.05
                for side in (-1, 1):
                    off = o.offset + side * (o.width / 2 + c.width / 2 - 0.05)
                    x, y = sx + dx * off - dy * inset, sy + dy * off + dx * inset
                    room.items.append(Placement(c.id, x, y, max(0.0, room.height - 0.1 - c.height) if c.height < room.height else 0.0,
                                                yaw_facing_in(o.wall), "wallhung"))

    def _against_wall(self, room, rng, a, boxes, tries=12):
        for _ in range(tries):
            wall = rng.randrange(4)
            (sx, sy), (dx, dy), length = wall_frame(room, wall)
            if a.width > length - 0.2:
                continue
            off = rng.uniform(a.width / 2 + 0.05, length - a.width / 2 - 0.05)
            inset = a.depth / 2 + 0.02
            x, y = sx + dx * off - dy * inset, sy + dy * off + dx * inset
            yaw = yaw_facing_in(wall)
            if any(o.wall == wall and abs(o.offset - off) < (o.width + a.width) / 2 and
                   a.elevation + a.height > o.bottom and a.elevation < o.top for o in room.openings):
                continue  # not in front of a window or door
            b = footprint(a, x, y, yaw)
            if a.elevation < 0.3 and overlaps(b, boxes):
                continue
            if a.elevation < 0.3:
                boxes.append(b)
            return Placement(a.id, x, y, a.elevation, yaw, "wall" if a.elevation < 0.3 else "wallhung")
        return None

    def _free(self, room, rng, a, boxes, role="free", tries=15):
        for _ in range(tries):
            yaw = rng.choice([0, math.pi / 2, math.pi, -math.pi / 2]) + rng.gauss(0, 0.15)
            if role == "person":
                yaw = rng.uniform(-math.pi, math.pi)
            x, y = rng.uniform(0.3, room.width - 0.3), rng.uniform(0.3, room.depth - 0.3)
            b = footprint(a, x, y, yaw, margin=0.1)
            if b[0] < 0 or b[1] < 0 or b[2] > room.width or b[3] > room.depth or overlaps(b, boxes):
                continue
            boxes.append(b)
            return Placement(a.id, x, y, 0.0, yaw, role)
        return None

    def _furnish(self, room: Room, rng: random.Random, boxes: list) -> None:
        assets = {a.id: a for a in self.lib.assets}
        pool = self.furniture(room.kind)
        area = room.width * room.depth
        n_big = int(min(max(area / 1.4, 6), 20) * rng.uniform(0.8, 1.2))
        if self.rugs and rng.random() < 0.4:
            r = rng.choice(self.rugs)
            if r.width < room.width - 0.8 and r.depth < room.depth - 0.8:
                room.items.append(Placement(r.id, room.width / 2 + rng.uniform(-0.3, 0.3),
                                            room.depth / 2 + rng.uniform(-0.3, 0.3), 0.0, rng.choice([0, math.pi / 2]), "rug"))
        for _ in range(n_big):
            if not pool:
                break
            a = rng.choice(pool)
            # Tall and flat-backed things go against walls; tables, sofas and chairs also stand free.
            free = re.search(r"table|sofa|couch|chair|armchair|stool|bench|puff|bed|island|piano", a.name, re.I)
            p = (self._free(room, rng, a, boxes) if free and rng.random() < 0.5 else None) \
                or self._against_wall(room, rng, a, boxes)
            if p:
                room.items.append(p)
        for a in rng.sample(self.pictures, min(len(self.pictures), rng.choice([0, 1, 1, 2]))):
            p = self._against_wall(room, rng, a, boxes)
            if p:
                p.z, p.role = rng.uniform(1.3, 1.7) - a.height / 2, "wallhung"
                room.items.append(p)
        for _ in range(rng.choice([0, 1, 1, 2])):
            if self.people:
                p = self._free(room, rng, rng.choice(self.people), boxes, role="person")
                if p:
                    room.items.append(p)
        # Small objects on the top surfaces of what stands in the room.
        surfaces = [p for p in room.items if p.role in ("wall", "free") and
                    (assets[p.asset].top or (SURFACE.search(assets[p.asset].name) and assets[p.asset].height < 1.3))]
        for p in surfaces:
            base = assets[p.asset]
            top = base.top if base.top else base.height
            for _ in range(rng.choice([1, 2, 2, 3, 4])):
                if not self.small:
                    break
                s = rng.choice(self.table_lamps + self.small if rng.random() < 0.15 else self.small)
                if s.width > base.width * 0.8 or s.depth > base.depth * 0.8:
                    continue
                u = rng.uniform(-(base.width - s.width) / 2, (base.width - s.width) / 2) * 0.9
                v = rng.uniform(-(base.depth - s.depth) / 2, (base.depth - s.depth) / 2) * 0.9
                c, sn = math.cos(p.yaw), math.sin(p.yaw)
                room.items.append(Placement(s.id, p.x + c * u - sn * v, p.y + sn * u + c * v,
                                            p.z + top, p.yaw + rng.uniform(-0.6, 0.6), "top"))

    def _light(self, room: Room, rng: random.Random) -> None:
        assets = {a.id: a for a in self.lib.assets}
        warm = rng.uniform(2700, 4500)
        if self.ceiling_lights and rng.random() < 0.8:
            a = rng.choice(self.ceiling_lights)
            x, y = room.width / 2 + rng.uniform(-0.4, 0.4), room.depth / 2 + rng.uniform(-0.4, 0.4)
            room.items.append(Placement(a.id, x, y, room.height - a.height, 0.0, "light"))
            lz = room.height - a.height * (1 - (a.light[2] if a.light else 0.3))
            room.lights.append(Light(x, y, min(lz, room.height - 0.15), warm, rng.uniform(60, 250), 0.1))
        else:
            room.lights.append(Light(room.width / 2, room.depth / 2, room.height - 0.05,
                                     warm, rng.uniform(60, 250), rng.uniform(0.3, 0.8)))
        for p in list(room.items):
            a = assets[p.asset]
            if a in self.table_lamps or a in self.floor_lamps:
                fz = a.light[2] if a.light else 0.8
                room.lights.append(Light(p.x, p.y, p.z + a.height * fz, rng.uniform(2600, 3500),
                                         rng.uniform(15, 60), 0.05))
        if self.floor_lamps and rng.random() < 0.3:
            a = rng.choice(self.floor_lamps)
            x, y = rng.choice([(0.4, 0.4), (room.width - 0.4, 0.4), (0.4, room.depth - 0.4),
                               (room.width - 0.4, room.depth - 0.4)])
            room.items.append(Placement(a.id, x, y, 0.0, rng.uniform(-math.pi, math.pi), "free"))
            room.lights.append(Light(x, y, a.height * 0.9, rng.uniform(2600, 3500), rng.uniform(30, 90), 0.08))
