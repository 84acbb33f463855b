"""Runs inside Blender (`blender -b --factory-startup -P blender_room.py -- JOB.json`): builds each
room of the job from its seed, finds camera views that look at its content, and renders each
view with Cycles to a multilayer OpenEXR (linear colour, denoising albedo and normal, depth along
the optical axis) plus a JSON of its camera. `generate.py` writes the job and turns the EXRs
into training frames; nothing here imports torch, numpy or the rest of the package.

Job: {"library": PATH (AssetLibrary JSON, already split), "staging": DIR, "rooms": [{"seed": S,
"name": PREFIX}], "views": N, "closeup_share": P, "samples": SPP, "threads": T, "width": W,
"height": H, "hfov_deg": [LO, HI]}. For every room it writes DIR/PREFIX-vK.exr and .json for the
views found, then DIR/PREFIX.done (with the views' names, or the error)."""
import json
import math
import os
import random
import sys
import time
import traceback

import bpy
import mathutils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalog  # noqa: E402  (plain-Python siblings, importable without the package)
import layout   # noqa: E402

# From the OBJ's frame (y up, front towards +z) to Blender's (z up, front towards -y).
OBJ_TO_BLENDER = mathutils.Matrix(((1, 0, 0), (0, 0, -1), (0, 1, 0)))
WALL_THICKNESS = 0.12
MAX_DEPTH_M = 30.0


def setup_scene(job: dict) -> bpy.types.Scene:
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    c = scene.cycles
    c.device = "CPU"
    c.samples = job["samples"]
    c.use_adaptive_sampling = False
    c.use_denoising = False            # Debian's Blender has no OpenImageDenoise: generate.py denoises
    c.max_bounces, c.diffuse_bounces, c.glossy_bounces = 4, 3, 2
    c.transmission_bounces, c.transparent_max_bounces = 4, 8
    c.caustics_reflective = c.caustics_refractive = False
    c.sample_clamp_indirect = 5.0
    c.seed = 0
    scene.render.threads_mode = "FIXED"
    scene.render.threads = job["threads"]
    scene.render.resolution_x, scene.render.resolution_y = job["width"], job["height"]
    scene.render.resolution_percentage = 100
    scene.render.use_persistent_data = True   # keep the BVH while only the camera moves
    scene.render.image_settings.file_format = "OPEN_EXR_MULTILAYER"
    scene.render.image_settings.color_depth = "32"
    scene.render.image_settings.exr_codec = "ZIP"
    vl = scene.view_layers[0]
    vl.use_pass_z = True
    vl.cycles.denoising_store_passes = True
    vl.pass_alpha_threshold = 0.0               # glass gives its own depth, not random samples
    scene.view_settings.view_transform = "Standard"
    lib = bpy.data.collections.new("library")
    scene.collection.children.link(lib)
    vl.layer_collection.children["library"].exclude = True
    room = bpy.data.collections.new("room")
    scene.collection.children.link(room)
    cam = bpy.data.cameras.new("camera")
    cam.sensor_fit = "HORIZONTAL"
    cam.clip_start = 0.05
    scene.camera = bpy.data.objects.new("camera", cam)
    scene.collection.objects.link(scene.camera)
    return scene


class AssetCache:
    """Imports each model once into the excluded `library` collection, brought to its catalog
    size (metres), bottom centre at the origin, front towards -y; rooms link copies."""

    def __init__(self, assets: dict):
        self.assets, self.objects, self.failed = assets, {}, {}

    def get(self, asset_id: str):
        if asset_id in self.objects or asset_id in self.failed:
            return self.objects.get(asset_id)
        try:
            self.objects[asset_id] = self._load(self.assets[asset_id])
        except Exception as e:  # a model that does not import is left out of every room
            self.failed[asset_id] = f"{type(e).__name__}: {e}"
        return self.objects.get(asset_id)

    def _load(self, a):
        lib = bpy.data.collections["library"]
        before = set(bpy.data.objects)
        bpy.ops.wm.obj_import(filepath=a.obj, forward_axis="Y", up_axis="Z")
        parts = [o for o in bpy.data.objects if o not in before and o.type == "MESH"]
        if not parts:
            raise ValueError("no mesh in the model")
        for o in bpy.data.objects:
            if o not in before:
                for c in list(o.users_collection):
                    c.objects.unlink(o)
                lib.objects.link(o)
        rot = mathutils.Matrix([a.rotation[0:3], a.rotation[3:6], a.rotation[6:9]]) if a.rotation else mathutils.Matrix.Identity(3)
        m = (OBJ_TO_BLENDER @ rot).to_4x4()
        for o in parts:
            o.data.transform(m @ o.matrix_world)
            o.matrix_world = mathutils.Matrix.Identity(4)
        mesh = parts[0]
        if len(parts) > 1:
            with bpy.context.temp_override(active_object=mesh, selected_editable_objects=parts, object=mesh):
                bpy.ops.object.join()
        mesh.data.validate(clean_customdata=False)
        vs = [v.co for v in mesh.data.vertices]
        if len(vs) < 3:
            raise ValueError("degenerate model")
        lo = [min(v[i] for v in vs) for i in range(3)]
        hi = [max(v[i] for v in vs) for i in range(3)]
        ext = [max(h - l, 1e-4) for l, h in zip(lo, hi)]
        scale = mathutils.Matrix.Diagonal((a.width / ext[0], a.depth / ext[1], a.height / ext[2], 1.0))
        centre = mathutils.Matrix.Translation((-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, -lo[2]))
        mesh.data.transform(scale @ centre)
        mesh.name = "lib_" + a.id
        for mat in mesh.data.materials:
            if mat and mat.use_nodes:
                for n in mat.node_tree.nodes:
                    if n.type == "TEX_IMAGE" and (n.image is None or n.image.size[0] == 0):
                        mat.node_tree.nodes.remove(n)  # an unreadable texture must not turn magenta
        return mesh


def _box(name, x0, y0, z0, x1, y1, z1, material, coll):
    mesh = bpy.data.meshes.new(name)
    v = [(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]
    f = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    mesh.from_pydata(v, [], f)
    mesh.materials.append(material)
    o = bpy.data.objects.new("S_" + name, mesh)
    coll.objects.link(o)
    return o


def _material(name, colour, roughness, texture=None, repeat=1.0):
    m = bpy.data.materials.new(name)
    m.use_nodes = True
    nt = m.node_tree
    bsdf = nt.nodes["Principled BSDF"]
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Specular"].default_value = 0.3
    if texture:
        tex = nt.nodes.new("ShaderNodeTexImage")
        tex.image = bpy.data.images.load(texture, check_existing=True)
        tex.projection = "BOX"
        tex.projection_blend = 0.2
        coord, mapping = nt.nodes.new("ShaderNodeTexCoord"), nt.nodes.new("ShaderNodeMapping")
        mapping.inputs["Scale"].default_value = (1 / repeat,) * 3
        nt.links.new(coord.outputs["Object"], mapping.inputs["Vector"])
        nt.links.new(mapping.outputs["Vector"], tex.inputs["Vector"])
        mix = nt.nodes.new("ShaderNodeMixRGB")
        mix.blend_type = "MULTIPLY"
        mix.inputs["Fac"].default_value = 1.0
        mix.inputs["Color2"].default_value = (*colour, 1.0)
        nt.links.new(tex.outputs["Color"], mix.inputs["Color1"])
        nt.links.new(mix.outputs["Color"], bsdf.inputs["Base Color"])
    else:
        bsdf.inputs["Base Color"].default_value = (*colour, 1.0)
    return m


def build_structure(room, textures: dict, coll) -> None:
    """Floor, ceiling, four walls with holes where the openings are, and ground outside."""
    w, d, h, t = room.width, room.depth, room.height, WALL_THICKNESS
    floor = _material("floor", (1, 1, 1), random.Random(room.seed).uniform(0.25, 0.7),
                      textures.get(room.floor), room.floor_repeat)
    wall = _material("wall", tuple(room.wall_colour), 0.85,
                     textures.get(room.wall_texture) if room.wall_texture else None, 1.2)
    ceiling = _material("ceiling", (0.8, 0.8, 0.78), 0.9)
    ground = _material("ground", (0.8, 0.8, 0.8), 0.9, textures.get(room.ground), 2.0)
    _box("floor", -t, -t, -0.1, w + t, d + t, 0.0, floor, coll)
    _box("ceiling", -t, -t, h, w + t, d + t, h + 0.1, ceiling, coll)
    _box("ground", -60, -60, -0.3, 60, 60, -0.2, ground, coll)
    for k in range(4):
        (sx, sy), (dx, dy), length = layout.wall_frame(room, k)
        holes = sorted((o for o in room.openings if o.wall == k), key=lambda o: o.offset)
        # Segments along the wall: (start, end, z0, z1) solid pieces around each hole.
        pieces, at = [], -t
        for o in holes:
            a, b = o.offset - o.width / 2, o.offset + o.width / 2
            pieces.append((at, a, 0.0, h))
            pieces += [(a, b, 0.0, o.bottom), (a, b, o.top, h)]
            at = b
        pieces.append((at, length + t, 0.0, h))
        for i, (a, b, z0, z1) in enumerate(pieces):
            if b - a < 1e-3 or z1 - z0 < 1e-3:
                continue
            # The wall lies outside the room: from the boundary outwards by t (to the right of the direction).
            p0 = (sx + dx * a, sy + dy * a)
            p1 = (sx + dx * b + dy * t, sy + dy * b - dx * t)
            _box(f"wall{k}_{i}", min(p0[0], p1[0]), min(p0[1], p1[1]), z0,
                 max(p0[0], p1[0]), max(p0[1], p1[1]), z1, wall, coll)


def place(cache: AssetCache, room, coll) -> list[str]:
    """Link a copy of each placed model; windows and doors go into their openings."""
    used = []
    items = list(room.items)
    for o in room.openings:
        if o.asset:
            (sx, sy), (dx, dy), _ = layout.wall_frame(room, o.wall)
            a = cache.assets[o.asset]
            x, y = sx + dx * o.offset + dy * WALL_THICKNESS / 2, sy + dy * o.offset - dx * WALL_THICKNESS / 2
            items.append(layout.Placement(o.asset, x, y, o.bottom, layout.yaw_facing_in(o.wall),
                                          "door" if o.bottom < 0.05 else "window"))
    for p in items:
        src = cache.get(p.asset)
        if src is None:
            continue
        a = cache.assets[p.asset]
        obj = src.copy()
        obj.name = "F_" + p.role + "_" + a.id
        if p.role in ("window", "door"):
            # Fit the model to its hole (the wall's thickness, the opening's size).
            o = next(o for o in room.openings if o.asset == p.asset)
            sx, sz = o.width / a.width, (o.top - o.bottom) / a.height
            obj.matrix_world = (mathutils.Matrix.Translation((p.x, p.y, p.z)) @ mathutils.Matrix.Rotation(p.yaw, 4, "Z")
                                @ mathutils.Matrix.Diagonal((sx, WALL_THICKNESS / max(a.depth, 0.02) * 1.05, sz, 1)))
        else:
            obj.matrix_world = mathutils.Matrix.Translation((p.x, p.y, p.z)) @ mathutils.Matrix.Rotation(p.yaw, 4, "Z")
        coll.objects.link(obj)
        used.append(a.id)
    return used


def light(room, scene, coll) -> None:
    for i, l in enumerate(room.lights):
        data = bpy.data.lights.new(f"lamp{i}", "POINT")
        data.energy = l.watts
        data.color = layout.kelvin_rgb(l.kelvin)
        data.shadow_soft_size = l.radius
        o = bpy.data.objects.new(f"L_lamp{i}", data)
        o.location = (l.x, l.y, l.z)
        coll.objects.link(o)
    sun = bpy.data.lights.new("sun", "SUN")
    sun.energy = room.sun_strength
    sun.angle = math.radians(1.5)
    sun.color = layout.kelvin_rgb(5800)
    o = bpy.data.objects.new("L_sun", sun)
    o.rotation_euler = (math.pi / 2 - room.sun_elevation, 0.0, room.sun_azimuth)
    coll.objects.link(o)
    world = scene.world or bpy.data.worlds.new("world")
    scene.world = world
    world.use_nodes = True
    nt = world.node_tree
    for n in list(nt.nodes):
        if n.type == "TEX_SKY":
            nt.nodes.remove(n)
    sky = nt.nodes.new("ShaderNodeTexSky")
    sky.sky_type = "NISHITA"
    sky.sun_disc = False
    sky.sun_elevation, sky.sun_rotation = room.sun_elevation, room.sun_azimuth
    sky.air_density = random.Random(room.seed + 7).uniform(0.8, 2.5)
    sky.dust_density = random.Random(room.seed + 8).uniform(0.5, 4.0)
    bg = nt.nodes["Background"]
    bg.inputs["Strength"].default_value = room.sky_strength * 0.3
    nt.links.new(sky.outputs["Color"], bg.inputs["Color"])


def clear_room(coll) -> None:
    for o in list(coll.objects):
        data = o.data
        bpy.data.objects.remove(o, do_unlink=True)
        if data is not None and data.users == 0:
            if isinstance(data, bpy.types.Mesh) and not data.name.startswith("lib_"):
                bpy.data.meshes.remove(data)
            elif isinstance(data, bpy.types.Light):
                bpy.data.lights.remove(data)
    for m in list(bpy.data.materials):
        if m.users == 0:
            bpy.data.materials.remove(m)
    for mesh in list(bpy.data.meshes):
        if mesh.users == 0:
            bpy.data.meshes.remove(mesh)


def _rays(cam_obj, hfov: float, aspect: float, nx: int = 16, ny: int = 12):
    """World-space ray directions over an nx x ny grid of the view."""
    m = cam_obj.matrix_world.to_3x3()
    tx = math.tan(hfov / 2)
    for j in range(ny):
        for i in range(nx):
            u = ((i + 0.5) / nx * 2 - 1) * tx
            v = (1 - (j + 0.5) / ny * 2) * tx / aspect
            yield (m @ mathutils.Vector((u, v, -1))).normalized()


def aim(cam_obj, position, target, roll):
    direction = mathutils.Vector(target) - mathutils.Vector(position)
    q = direction.to_track_quat("-Z", "Y")
    cam_obj.matrix_world = (mathutils.Matrix.Translation(position) @ q.to_matrix().to_4x4()
                            @ mathutils.Matrix.Rotation(roll, 4, "Z"))


def find_view(scene, room, cache, rng, hfov, aspect, closeup: bool, tries: int = 80):
    """A camera at a person's height aimed at the room's content (or close to a table top),
    accepted only when at least a third of a 16 x 12 ray grid hits furniture, nothing is
    nearer than 0.3 m and at most a quarter of the view is sky."""
    cam = scene.camera
    deps = bpy.context.evaluated_depsgraph_get()
    targets = [p for p in room.items if p.role in ("wall", "free", "person", "top")]
    if closeup:
        targets = [p for p in room.items if p.role == "top"] or targets
    boxes = [layout.footprint(cache.assets[p.asset], p.x, p.y, p.yaw, 0.15)
             for p in room.items if p.role in ("wall", "free", "person")]
    for _ in range(tries):
        if not targets:
            return None
        # A free spot in the room, then something at a viewing distance from it to look at.
        x, y = rng.uniform(0.35, room.width - 0.35), rng.uniform(0.35, room.depth - 0.35)
        if layout.overlaps((x - 0.05, y - 0.05, x + 0.05, y + 0.05), boxes):
            continue
        lo, hi = (0.5, 1.4) if closeup else (1.2, 6.0)
        near_enough = [p for p in targets if lo < math.hypot(p.x - x, p.y - y) < hi]
        if not near_enough:
            continue
        t = rng.choice(near_enough)
        a = cache.assets[t.asset]
        tz = t.z + a.height * rng.uniform(0.3, 0.8)
        z = rng.uniform(tz + 0.3, tz + 0.8) if closeup else rng.uniform(1.15, 1.8)
        z = min(z, room.height - 0.25)
        jitter = (rng.gauss(0, 0.3), rng.gauss(0, 0.3), rng.gauss(0, 0.15))
        target = (t.x + jitter[0], t.y + jitter[1], tz + jitter[2])
        aim(cam, (x, y, z), target, rng.gauss(0, math.radians(2)))
        pitch = math.degrees(math.asin(max(-1.0, min(1.0, (target[2] - z) / max(1e-6, math.dist((x, y, z), target))))))
        if not -45 < pitch < 15:
            continue
        hits = furniture = sky = 0
        near = 1e9
        origin = mathutils.Vector((x, y, z))
        forward = cam.matrix_world.to_3x3() @ mathutils.Vector((0, 0, -1))
        for r in _rays(cam, hfov, aspect):
            ok, loc, _, _, obj, _ = scene.ray_cast(deps, origin, r, distance=MAX_DEPTH_M)
            if not ok:
                sky += 1
                continue
            hits += 1
            near = min(near, (loc - origin).dot(forward))
            if obj.name.startswith("F_") and "window" not in obj.name and "door" not in obj.name:
                furniture += 1
        n = hits + sky
        if furniture >= n / 3 and near > 0.3 and sky <= n / 4:
            return {"position": [x, y, z], "target": list(target), "furniture_share": furniture / n,
                    "nearest_m": near}
    return None


def render_room(scene, cache, planner, textures, spec, job, out_dir) -> list[str]:
    coll = bpy.data.collections["room"]
    room = planner.plan(spec["seed"])
    build_structure(room, textures, coll)
    used = place(cache, room, coll)
    light(room, scene, coll)
    bpy.context.view_layer.update()
    rng = random.Random(spec["seed"] * 31 + 1)
    aspect = job["width"] / job["height"]
    names = []
    for k in range(job["views"]):
        hfov = math.radians(rng.uniform(*job["hfov_deg"]))
        scene.camera.data.angle = hfov
        bpy.context.view_layer.update()
        view = find_view(scene, room, cache, rng, hfov, aspect, rng.random() < job["closeup_share"])
        if view is None:
            continue
        name = f"{spec['name']}-v{k}"
        scene.cycles.seed = spec["seed"] * 7 + k
        scene.render.filepath = os.path.join(out_dir, name + ".exr")
        bpy.ops.render.render(write_still=True)
        focal = job["width"] / 2 / math.tan(hfov / 2)
        meta = {"name": name, "seed": spec["seed"], "view": k, "kind": room.kind,
                "focal_px": focal, "width": job["width"], "height": job["height"],
                "hfov_deg": math.degrees(hfov), "assets": sorted(set(used)),
                "textures": [t for t in (room.floor, room.wall_texture, room.ground) if t], **view}
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(meta, f)
        names.append(name)
    clear_room(coll)
    return names


def main() -> None:
    job = json.load(open(sys.argv[sys.argv.index("--") + 1]))
    lib = catalog.AssetLibrary.from_json(open(job["library"]).read())
    scene = setup_scene(job)
    cache = AssetCache({a.id: a for a in lib.assets})
    planner = layout.RoomPlanner(lib)
    textures = {t.name: t.path for t in lib.textures}
    out = job["staging"]
    for spec in job["rooms"]:
        t0 = time.time()
        with open(os.path.join(out, "current"), "w") as f:
            f.write(spec["name"])
        try:
            names = render_room(scene, cache, planner, textures, spec, job, out)
            result = {"views": names}
        except Exception:
            result = {"views": [], "error": traceback.format_exc(limit=4)}
            clear_room(bpy.data.collections["room"])
        result["seconds"] = time.time() - t0
        result["failed_assets"] = dict(cache.failed)
        with open(os.path.join(out, spec["name"] + ".done"), "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    main()
