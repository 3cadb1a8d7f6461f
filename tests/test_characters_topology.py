"""The written-out landmark index sets must match mediapipe's connection sets."""

import numpy as np
import pytest

from talkingphoto.characters import N_LANDMARKS
from talkingphoto.characters import topology as topo

connections = pytest.importorskip("mediapipe.python.solutions.face_mesh_connections")


def _edges(path):
    return {frozenset(pair) for pair in zip(path[:-1], path[1:])}


def _mp_edges(connection_set):
    return {frozenset(pair) for pair in connection_set}


def test_lip_contours_are_mediapipe_lips():
    ours = set()
    for path in (topo.LIPS_UPPER_OUTER, topo.LIPS_LOWER_OUTER, topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER):
        ours |= _edges(path.tolist())
    assert ours == _mp_edges(connections.FACEMESH_LIPS)


def test_eye_contours_are_mediapipe_eyes():
    right = _edges(topo.RIGHT_EYE_UPPER.tolist()) | _edges(topo.RIGHT_EYE_LOWER.tolist())
    left = _edges(topo.LEFT_EYE_UPPER.tolist()) | _edges(topo.LEFT_EYE_LOWER.tolist())
    assert right == _mp_edges(connections.FACEMESH_RIGHT_EYE)
    assert left == _mp_edges(connections.FACEMESH_LEFT_EYE)


def test_brows_irises_and_oval_are_mediapipe_sets():
    right = _edges(topo.RIGHT_BROW_UPPER.tolist()) | _edges(topo.RIGHT_BROW_LOWER.tolist())
    left = _edges(topo.LEFT_BROW_UPPER.tolist()) | _edges(topo.LEFT_BROW_LOWER.tolist())
    assert right == _mp_edges(connections.FACEMESH_RIGHT_EYEBROW)
    assert left == _mp_edges(connections.FACEMESH_LEFT_EYEBROW)
    oval = topo.FACE_OVAL.tolist()
    assert _edges(oval + oval[:1]) == _mp_edges(connections.FACEMESH_FACE_OVAL)
    iris_points = {i for pair in connections.FACEMESH_IRISES for i in pair}
    assert set(topo.IRISES.tolist()) == iris_points | {topo.RIGHT_IRIS_CENTRE, topo.LEFT_IRIS_CENTRE}


def test_paired_contours_share_corners():
    for upper, lower in (
        (topo.LIPS_UPPER_OUTER, topo.LIPS_LOWER_OUTER),
        (topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER),
        (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER),
        (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER),
    ):
        assert len(upper) == len(lower)
        assert upper[0] == lower[0] and upper[-1] == lower[-1]
    assert (topo.MOUTH_CORNER_RIGHT, topo.MOUTH_CORNER_LEFT) == (topo.LIPS_UPPER_OUTER[0], topo.LIPS_UPPER_OUTER[-1])


def test_constants_are_read_only_valid_indices():
    for name in topo.__all__:
        value = getattr(topo, name)
        values = np.atleast_1d(value)
        assert values.min() >= 0 and values.max() < N_LANDMARKS, name
        if isinstance(value, np.ndarray):
            assert not value.flags.writeable, name
            assert len(set(value.tolist())) == len(value), name
