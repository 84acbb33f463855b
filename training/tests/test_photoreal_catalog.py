"""The asset catalogs: .properties parsing from literal text, OBJ/MTL repair, the held-out split."""
import zipfile

import pytest

from depth_training.render.photoreal import catalog


def test_properties_decode_unicode_escapes_continuations_and_comments():
    text = ("# comment\n! also a comment\nname#1=Caf\\u00e9 table\nmodel#1=/a/b.obj\n"
            "tags#1=one, \\\n    two\nwidth#1 = 80.5\n\ncategory#1:Kitchen\n")
    props = catalog.parse_properties(text)
    assert props == {"name#1": "Café table", "model#1": "/a/b.obj", "tags#1": "one, two",
                     "width#1": "80.5", "category#1": "Kitchen"}


def test_catalog_entries_group_numbered_keys_in_number_order():
    props = {"name#10": "b", "name#2": "a", "width#2": "1", "id": "catalog"}
    assert catalog.catalog_entries(props) == [{"name": "a", "width": "1"}, {"name": "b"}]


def test_repair_drops_degenerate_faces_and_fixes_or_drops_texture_paths(tmp_path):
    (tmp_path / "Wood.JPG").write_bytes(b"\xff\xd8")
    (tmp_path / "m.mtl").write_text(
        "newmtl wood\nKd 0.5 0.4 0.3\nmap_Kd C:\\Users\\someone\\textures\\wood.jpg\n"
        "newmtl lost\nKd 0 0 0\nmap_Kd /home/x/missing.png\n")
    (tmp_path / "m.obj").write_text(
        "mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\nf 1 2\nl 1 2\np 1\nusemtl wood\n")
    clean, notes = catalog.repair_obj(tmp_path / "m.obj")
    obj = clean.read_text().splitlines()
    assert "f 1 2 3" in obj and "f 1 2" not in obj and "l 1 2" not in obj and "p 1" not in obj
    assert "mtllib m.clean.mtl" in obj
    mtl = (tmp_path / "m.clean.mtl").read_text().splitlines()
    assert "map_Kd Wood.JPG" in mtl                      # the author's absolute path, found beside
    assert not any("missing.png" in line for line in mtl)  # a texture that is not there is dropped
    assert mtl[mtl.index("newmtl lost") + 1] == "Kd 0.6 0.6 0.6"  # ... and black turns grey
    assert any("missing texture" in n for n in notes) and any("dropped 3" in n for n in notes)


def _library(n_per_cat=20):
    assets = [catalog.Asset(id=f"{cat}-{i}", name=f"thing {i}", category=cat, catalog="Scopia",
                            creator="c", obj="/x.obj", width=1, depth=1, height=1)
              for cat in ("Kitchen", "Bedroom", "Characters") for i in range(n_per_cat)]
    textures = [catalog.Texture(f"{use}{i}", use, "/t.jpg") for use in catalog.TEXTURE_USES for i in range(4)]
    return catalog.AssetLibrary(assets, textures)


def test_split_holds_out_a_fixed_share_of_every_category_disjoint_from_training():
    lib = _library()
    train, test = catalog.split(lib, "train"), catalog.split(lib, "test")
    train_ids, test_ids = {a.id for a in train.assets}, {a.id for a in test.assets}
    assert not train_ids & test_ids and train_ids | test_ids == {a.id for a in lib.assets}
    for cat in ("Kitchen", "Bedroom", "Characters"):
        assert sum(a.category == cat for a in test.assets) == 3  # ceil(0.15 * 20)
    assert not {t.name for t in train.textures} & {t.name for t in test.textures}
    assert all(any(t.use == use for t in test.textures) for use in catalog.TEXTURE_USES)
    # Fixed by the salt: the same library splits the same way every time.
    assert {a.id for a in catalog.split(lib, "test").assets} == test_ids
    with pytest.raises(ValueError):
        catalog.split(lib, "validation")


def test_extract_reads_a_catalog_zip_into_assets_with_sizes_in_metres(tmp_path):
    furniture = tmp_path / "furniture"
    furniture.mkdir()
    with zipfile.ZipFile(furniture / "Scopia.sh3f", "w") as z:
        z.writestr("PluginFurnitureCatalog.properties",
                   "id#1=Scopia#lamp\nname#1=Desk lamp\ncategory#1=Lights\nmodel#1=/lamp/lamp.obj\n"
                   "width#1=20\ndepth#1=30\nheight#1=45\nelevation#1=70\ndropOnTopElevation#1=-1\n"
                   "lightSourceX#1=10 2\nlightSourceY#1=15 2\nlightSourceZ#1=40 2\ncreator#1=Scopia\n"
                   "id#2=Scopia#broken\nname#2=Broken\ncategory#2=Lights\nmodel#2=/lamp/none.3ds\n"
                   "width#2=1\ndepth#2=1\nheight#2=1\n".encode("latin-1"))
        z.writestr("lamp/lamp.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    jar = tmp_path / "app.jar"
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr(catalog.TEXTURE_PREFIX + "woodenFloor.jpg", b"\xff\xd8")
    lib = catalog.extract(tmp_path / "cache", furniture, jar)
    (lamp,) = lib.assets
    assert (lamp.width, lamp.depth, lamp.height, lamp.elevation) == (0.2, 0.3, 0.45, 0.7)
    assert lamp.top is None and lamp.light == pytest.approx([0.5, 0.5, 40 / 45])
    assert lamp.obj.endswith("lamp.clean.obj") and "Scopia#broken" in lib.rejected
    assert [t.name for t in lib.textures] == ["woodenFloor"]
    assert lamp.credit.startswith("Emmanuel Puybaret") and lamp.licence == "CC-BY 3.0"
    assert "| Desk lamp | Scopia#lamp | Scopia |" in catalog.credits_markdown(lib)
    # A second call reads the cache instead of unpacking again.
    assert catalog.extract(tmp_path / "cache", furniture, jar).to_json() == lib.to_json()


def test_credits_list_every_asset_a_split_shows_and_nothing_else(tmp_path):
    from depth_training.render.photoreal import credits
    lib = _library()
    meta = tmp_path / "train" / "meta"
    meta.mkdir(parents=True)
    (meta / "a.json").write_text('{"assets": ["Kitchen-1"], "textures": ["floor0"]}')
    (meta / "b.json").write_text('{"assets": ["Kitchen-1", "Bedroom-2"], "textures": []}')
    text = credits.credits(tmp_path, lib)
    assert "## train (2 frames, 3 assets)" in text and "## test" not in text
    assert "| Kitchen-1 |" in text and "| Bedroom-2 |" in text and "| Kitchen-2 |" not in text
    assert "floor0 texture" in text
