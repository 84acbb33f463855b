import json

import pytest

from depth_training.data.photo_set import DEFAULT_SET, MIN_PAIRS, MIN_PHOTOS, PhotoSet

from photo_set_fixtures import pair, photo_entry, tiny_photo_set, write_set


def test_committed_set_has_enough_valid_pairs_over_enough_photos():
    s = PhotoSet.load(DEFAULT_SET)  # validates: points inside, no point twice, checksums, licences
    assert s.pair_count >= MIN_PAIRS == 60
    assert sum(1 for p in s.photos if p.pairs) >= MIN_PHOTOS == 10
    assert sum(1 for p in s.photos if p.indoor and p.pairs) >= 10
    assert "never train" in s.description.lower()
    assert {sc.photo for sc in s.gt_scenes} <= {p.id for p in s.photos}


def test_committed_pairs_are_not_all_bottom_versus_top():
    pairs = [q for p in PhotoSet.load(DEFAULT_SET).photos for q in p.pairs]
    nearer_is_higher = [q for q in pairs if (q.a if q.a_is_nearer else q.b)[1] < (q.b if q.a_is_nearer else q.a)[1]]
    side_by_side = [q for q in pairs if abs(q.a[1] - q.b[1]) <= 30 and abs(q.a[0] - q.b[0]) > 60]
    assert len(nearer_is_higher) >= 0.25 * len(pairs)
    assert len(side_by_side) >= 15
    assert sum(q.nearer == "a" for q in pairs) not in (0, len(pairs))  # both orders occur


def test_a_set_breaking_the_rules_is_refused_with_each_reason(tmp_path):
    import numpy as np
    rgb = np.zeros((40, 50, 3), np.uint8)
    bad = photo_entry(tmp_path, "bad", rgb, [pair((10, 10), (50, 5)),        # x = 50 is outside a 50-wide photo
                                             pair((10, 10), (20, 20), "c")])  # (10, 10) twice; nearer "c"
    path = write_set(tmp_path / "set.json", [bad])
    with pytest.raises(ValueError) as e:
        PhotoSet.load(path)
    text = str(e.value)
    assert "outside the 50x40 photo" in text and "appears twice" in text and "nearer must be" in text
    assert "2 pairs, at least 60 needed" in text and "1 photos with pairs, at least 10 needed" in text


def test_a_set_without_the_never_train_warning_or_with_a_malformed_point_is_refused(tmp_path):
    path = tiny_photo_set(tmp_path)
    doc = json.loads(path.read_text())
    doc["description"] = "photos"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="never to train"):
        PhotoSet.load(path, min_pairs=1, min_photos=1)
    doc["photos"][0]["pairs"][0]["a"] = [1.5, 2]
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="integers"):
        PhotoSet.load(path, min_pairs=1, min_photos=1)


def test_files_are_found_by_checksum_under_the_install_folder_only_when_unchanged(tmp_path):
    s = PhotoSet.load(tiny_photo_set(tmp_path), min_pairs=1, min_photos=1)
    room = s.photo("room")
    found = room.locate([tmp_path / "elsewhere", tmp_path])
    assert found == tmp_path / "test-photos" / "usr/share/test-photos/room.png"
    found.write_bytes(found.read_bytes() + b"x")
    assert room.locate([tmp_path]) is None
