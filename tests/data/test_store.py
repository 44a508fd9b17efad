"""The dataset store: round trip, byte-identical rebuilds, and corruption caught before loading."""

import json

import numpy as np
import pytest

from gantheory.data import DatasetChecksumError, build_dataset, load_dataset, save_dataset
from gantheory.data.store import sidecar_path


def _save(path, name="8gaussians", seed=0):
    save_dataset(path, build_dataset(name, 256, seed), {"name": name, "seed": seed})
    return path


def test_round_trip(tmp_path):
    arrays = build_dataset("digits", 0, 0)
    save_dataset(tmp_path / "d.npz", arrays, {"name": "digits"})
    loaded = load_dataset(tmp_path / "d.npz")
    assert loaded.keys() == arrays.keys()
    for key in arrays:
        np.testing.assert_array_equal(loaded[key], arrays[key])
        assert loaded[key].dtype == arrays[key].dtype
    side = json.loads(sidecar_path(tmp_path / "d.npz").read_text())
    assert side["shapes"] == {"x": [1797, 8, 8], "y": [1797]} and side["name"] == "digits"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_byte_identical(tmp_path, monkeypatch):
    a = _save(tmp_path / "a.npz").read_bytes()
    monkeypatch.setattr("time.time", lambda: 2e9)  # a different clock must not change the bytes
    b = _save(tmp_path / "b.npz").read_bytes()
    assert a == b
    assert _save(tmp_path / "c.npz", seed=1).read_bytes() != a


def test_flipped_byte(tmp_path):
    path = _save(tmp_path / "a.npz")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetChecksumError, match=r"a\.npz.*expected.*found.*rebuilt"):
        load_dataset(path)


def test_truncated(tmp_path):
    path = _save(tmp_path / "a.npz")
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DatasetChecksumError, match=r"a\.npz"):
        load_dataset(path)


def test_missing_sidecar(tmp_path):
    path = _save(tmp_path / "a.npz")
    sidecar_path(path).unlink()
    with pytest.raises(DatasetChecksumError, match=r"a\.npz.*missing"):
        load_dataset(path)


def test_unknown_name():
    with pytest.raises(ValueError, match=r"'cifar'.*8gaussians.*mnist"):
        build_dataset("cifar", 10, 0)


def test_reserved_meta(tmp_path):
    with pytest.raises(ValueError, match="reserved"):
        save_dataset(tmp_path / "a.npz", {"x": np.zeros(2)}, {"sha256": "x"})
