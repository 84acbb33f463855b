"""Room plans: reproducible from their seed, furniture inside the room, not overlapping, small
objects standing on the surfaces under them, windows and doors inside their walls."""
import math

from depth_training.render.photoreal import catalog, layout


def _asset(aid, name, category, w, d, h, **kw):
    return catalog.Asset(id=aid, name=name, category=category, catalog="Scopia", creator="c",
                         obj="/x.obj", width=w, depth=d, height=h, **kw)


def small_library():
    a = [_asset(f"sofa{i}", "Sofa", "Living room", 2.0, 0.9, 0.8) for i in range(3)]
    a += [_asset(f"table{i}", "Coffee table", "Living room", 1.2, 0.6, 0.45, top=0.45) for i in range(3)]
    a += [_asset(f"bookcase{i}", "Bookcase", "Living room", 0.9, 0.35, 1.9, top=0.76) for i in range(2)]
    a += [_asset(f"vase{i}", "Vase", "Miscellaneous", 0.15, 0.15, 0.3) for i in range(4)]
    a += [_asset("man", "Male", "Characters", 0.6, 0.3, 1.8), _asset("woman", "Female", "Characters", 0.5, 0.3, 1.7)]
    a += [_asset("win", "Double-hung window", "Doors and windows", 1.0, 0.2, 1.3, elevation=0.9, door_or_window=True),
          _asset("door", "Door", "Doors and windows", 0.9, 0.1, 2.1, door_or_window=True),
          _asset("pendant", "Pendant lamp", "Lights", 0.4, 0.4, 0.6, light=[0.5, 0.5, 0.2]),
          _asset("rug", "Oriental rug", "Living room", 1.6, 1.2, 0.01)]
    for k in layout.ROOM_TYPES:  # every room type finds something
        a.append(_asset(f"{k}-chair", "Chair", layout.ROOM_TYPES[k][1][0], 0.5, 0.5, 0.9))
    tex = [catalog.Texture(f"{u}0", u, "/t.jpg") for u in catalog.TEXTURE_USES]
    return catalog.AssetLibrary(a, tex)


def test_a_room_is_the_same_for_the_same_seed_and_differs_for_another():
    planner = layout.RoomPlanner(small_library())
    assert planner.plan(7).to_dict() == planner.plan(7).to_dict()
    assert planner.plan(7).to_dict() != planner.plan(8).to_dict()


def test_furniture_stands_inside_the_room_without_overlapping_on_the_floor():
    lib = small_library()
    assets = {a.id: a for a in lib.assets}
    planner = layout.RoomPlanner(lib)
    for seed in range(40):
        room = planner.plan(seed)
        floor = [p for p in room.items if p.role in ("wall", "free", "person")]
        assert floor, f"room {seed} is empty"
        boxes = [layout.footprint(assets[p.asset], p.x, p.y, p.yaw) for p in floor]
        for i, b in enumerate(boxes):
            assert -1e-6 <= b[0] and b[2] <= room.width + 1e-6 and -1e-6 <= b[1] and b[3] <= room.depth + 1e-6
            assert not layout.overlaps(b, boxes[:i]), f"room {seed}: item {i} overlaps another"
        for p in room.items:
            top = p.z + assets[p.asset].height
            assert p.z >= 0 and (top <= room.height + 1e-6 or p.role == "wallhung")


def test_small_objects_stand_on_the_top_surface_of_the_furniture_under_them():
    lib = small_library()
    assets = {a.id: a for a in lib.assets}
    planner = layout.RoomPlanner(lib)
    tops = 0
    for seed in range(40):
        room = planner.plan(seed)
        bases = [p for p in room.items if p.role in ("wall", "free")]
        for p in room.items:
            if p.role != "top":
                continue
            tops += 1
            under = [b for b in bases if layout.footprint(assets[b.asset], b.x, b.y, b.yaw)[0] - 1e-6 <= p.x
                     <= layout.footprint(assets[b.asset], b.x, b.y, b.yaw)[2] + 1e-6
                     and layout.footprint(assets[b.asset], b.x, b.y, b.yaw)[1] - 1e-6 <= p.y
                     <= layout.footprint(assets[b.asset], b.x, b.y, b.yaw)[3] + 1e-6]
            heights = [b.z + (assets[b.asset].top or assets[b.asset].height) for b in under]
            assert any(math.isclose(p.z, h, abs_tol=1e-9) for h in heights)
    assert tops > 20


def test_openings_lie_inside_their_walls_and_below_the_ceiling():
    planner = layout.RoomPlanner(small_library())
    windows = doors = 0
    for seed in range(40):
        room = planner.plan(seed)
        for o in room.openings:
            _, _, length = layout.wall_frame(room, o.wall)
            assert o.width / 2 <= o.offset <= length - o.width / 2
            assert 0 <= o.bottom < o.top <= room.height
            windows += o.bottom > 0.3
            doors += o.bottom == 0
        assert room.lights and all(0 < l.z < room.height for l in room.lights)
    assert windows > 20 and doors > 10


def test_a_model_against_a_wall_faces_into_the_room():
    room = layout.Room(seed=0, kind="living", width=4, depth=3, height=2.5, floor="f", floor_repeat=1,
                       wall_colour=[1, 1, 1], wall_texture=None)
    for wall in range(4):
        (sx, sy), (dx, dy), length = layout.wall_frame(room, wall)
        yaw = layout.yaw_facing_in(wall)
        front = (math.sin(yaw), -math.cos(yaw))         # -y turned by yaw
        inward = (-dy, dx)                               # left of the wall's direction
        assert math.isclose(front[0], inward[0], abs_tol=1e-9) and math.isclose(front[1], inward[1], abs_tol=1e-9)


def test_black_body_colours_go_from_warm_to_cool():
    warm, cool = layout.kelvin_rgb(2700), layout.kelvin_rgb(6500)
    assert warm[0] > warm[2] and cool[2] > warm[2] and all(0 <= c <= 1 for c in warm + cool)
