"""Head motion on real frames: the head visibly turns in vivid mode, stays still at
--motion 0, and the picture away from the head never changes."""

import numpy as np
import pytest

from talkingphoto.characters import topology as topo
from talkingphoto.job import Job
from talkingphoto.pipeline import frame_at
from talkingphoto.scene import build_scene

AUDIO = "sense_and_sensibility_01_austen_64kb-0870.wav"  # 7 s of read speech


def _nose(frame: np.ndarray) -> np.ndarray:
    """The nose tip found by the face mesh in ``frame`` (x, y pixels)."""
    from mediapipe.python.solutions import face_mesh

    with face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True) as mesh:
        result = mesh.process(frame)
    assert result.multi_face_landmarks, "the face is lost in a rendered frame"
    point = result.multi_face_landmarks[0].landmark[topo.NOSE_TIP]
    return np.array([point.x * frame.shape[1], point.y * frame.shape[0]])


@pytest.mark.slow
def test_the_head_visibly_moves_in_vivid_and_the_picture_beyond_it_stays(real_data, tmp_path):
    image, audio = real_data / "images" / "grace_hopper.jpg", real_data / "audio" / AUDIO
    scene = build_scene(Job.single(image, tmp_path / "o.mp4", audio=audio, mode="vivid"))
    actor = scene.actors[0]
    motion = actor.motion
    turned = int(np.argmax(np.hypot(motion.yaw - motion.yaw[0], motion.pitch - motion.pitch[0])))
    first, moved = frame_at(scene, 0), frame_at(scene, turned)
    # The nose travels several pixels on a 512 px portrait (it moved 1-3 px before
    # the head's motion was made to read).
    assert np.linalg.norm(_nose(moved) - _nose(first)) > 6.0
    # Nothing outside the region the face and head warps own ever changes...
    x0, y0, x1, y1 = actor.animator.region
    outside = np.ones(first.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    for frame in (first, moved):
        np.testing.assert_array_equal(frame[outside], scene.image[outside])
    # ...and that region is the head and what is right around it, not the picture.
    face_width = np.ptp(scene.speaker.landmarks[topo.FACE_OVAL, 0])
    assert (x1 - x0) < 3.2 * face_width


@pytest.mark.slow
def test_motion_zero_keeps_the_head_still(real_data, tmp_path):
    image, audio = real_data / "images" / "grace_hopper.jpg", real_data / "audio" / AUDIO
    scene = build_scene(Job.single(image, tmp_path / "o.mp4", audio=audio, mode="vivid", motion=0.0))
    motion = scene.actors[0].motion
    assert not np.any(motion.yaw) and not np.any(motion.pitch) and not np.any(motion.roll)
    # The face's own region (mouth, eyes, brows) moves; not one pixel of the rest of the
    # head (hair, ears, collar) does. (The face's warp is computed every other pixel and
    # may reach one pixel past its region.)
    x0, y0, x1, y1 = scene.actors[0].animator.rig.roi
    outside = np.ones(scene.image.shape[:2], bool)
    outside[y0 - 2 : y1 + 2, x0 - 2 : x1 + 2] = False
    for i in (0, scene.n_frames // 3, scene.n_frames // 2):
        np.testing.assert_array_equal(frame_at(scene, i)[outside], scene.image[outside])
