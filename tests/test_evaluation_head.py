"""Head pose measured from face-mesh landmarks: known rotations of the canonical face."""

import numpy as np
import pytest

from talkingphoto.characters import topology as topo
from talkingphoto.evaluation import head_angles, head_report


def _canonical() -> np.ndarray:
    from importlib import resources

    with resources.files("talkingphoto.data").joinpath("canonical_face.npz").open("rb") as f:
        return np.load(f)["landmarks"].astype(np.float64) * 100.0  # 100 px between the irises


def _rotated(points: np.ndarray, yaw: float, pitch: float, roll: float) -> np.ndarray:
    """``points`` turned as FaceMotion's angles say (x right, y down, z away from the camera),
    about a point an iris distance behind the face's middle, as a head turns on its neck."""
    y, p, r = np.radians([yaw, pitch, roll])
    ry = np.array([[np.cos(y), 0, -np.sin(y)], [0, 1, 0], [np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    centre = points.mean(0) + [0.0, 0.0, 100.0]
    return (points - centre) @ (rz @ ry @ rx).T + centre + [300.0, 200.0, 0.0]


@pytest.mark.parametrize("yaw, pitch, roll", [(8, 0, 0), (0, -5, 0), (0, 0, 3), (6, 4, -2)])
def test_known_rotations_are_measured_with_their_signs(yaw, pitch, roll):
    face = _canonical()
    turned = _rotated(face, yaw, pitch, roll)
    angles = head_angles(np.stack([face, turned]))
    np.testing.assert_allclose(angles[0], 0, atol=1e-6)
    np.testing.assert_allclose(angles[1], [yaw, pitch, roll], atol=1e-6)
    # The sign convention is the renderer's: a positive yaw takes the nose to the right,
    # a positive pitch takes it down.
    nose = turned[topo.NOSE_TIP] - face[topo.NOSE_TIP] - [300, 200, 0]
    if yaw:
        assert np.sign(nose[0]) == np.sign(yaw)
    if pitch and not yaw:
        assert np.sign(nose[1]) == np.sign(pitch)


def test_report_counts_moves_and_ignores_frames_without_a_face():
    face = _canonical()
    fps = 25.0
    t = np.arange(250) / fps
    # Still, an 8-degree turn over 0.3 s at 2 s, still, a turn back at 6 s.
    yaw = 8 * np.clip((t - 2) / 0.3, 0, 1) - 8 * np.clip((t - 6) / 0.3, 0, 1)
    frames = np.stack([_rotated(face, a, 0, 0) for a in yaw])
    frames[100:110] = np.nan  # the face lost for ten frames, mid-hold
    report = head_report(frames, fps=fps)
    assert report.valid_fraction == pytest.approx(0.96)
    assert report.yaw_range == pytest.approx(8, abs=0.2)
    assert report.pitch_range < 0.01 and report.roll_range < 0.01
    assert report.moves_per_minute == pytest.approx(2 / 10 * 60)
    assert 0.03 < report.moving_fraction < 0.15
    # The nose jumps by ``step`` (iris distances) and back; it spends a share ``p`` of the
    # frames with a face turned: a standard deviation of ``step * sqrt(p (1 - p))``.
    step = np.linalg.norm(_rotated(face, 8, 0, 0)[topo.NOSE_TIP, :2] - _rotated(face, 0, 0, 0)[topo.NOSE_TIP, :2]) / 100
    turned = (yaw > 4)[np.isfinite(frames[:, 0, 0])].mean()
    assert report.nose_std == pytest.approx(step * np.sqrt(turned * (1 - turned)), rel=0.1)


def test_a_mouth_or_a_blink_is_not_head_motion():
    face = _canonical()
    frames = np.repeat(face[None], 50, axis=0)
    lids = [i for i in topo.EYES_ALL if i not in (33, 133, 362, 263)]  # the corners stay as they are
    moving = list(topo.LIPS_ALL) + lids + [topo.CHIN, topo.NOSE_TIP]
    frames[::2, moving, 1] += 15.0  # every other frame: mouth wide, eyes shut, nose pulled
    report = head_report(frames, fps=25.0)
    assert report.nose_std < 1e-9 and report.moves_per_minute == 0 and report.yaw_range < 1e-6


def test_a_still_head_does_not_move():
    frames = np.repeat(_canonical()[None], 50, axis=0)
    report = head_report(frames, fps=25.0)
    assert report.nose_std < 1e-9 and report.moves_per_minute == 0 and report.yaw_range < 1e-9
