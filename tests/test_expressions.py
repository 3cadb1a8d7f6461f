"""Expressions: the option and per-turn choice, the eased controls, and what they do to a face."""

import json
import time
from dataclasses import replace

import numpy as np
import pytest
from conftest import synthetic_face

from talkingphoto.characters import topology as topo
from talkingphoto.dialogue import load_script
from talkingphoto.errors import ParameterError
from talkingphoto.job import Job, Speaker, Turn, split_options
from talkingphoto.motion import EXPRESSIONS, Prosody, express_motion, expression_track, face_motion
from talkingphoto.render import FaceAnimator, Pose
from talkingphoto.render._rig import build_rig, pose_points

NAMES = ("neutral", "happy", "sad", "surprised", "angry", "calm", "excited")


def test_every_named_expression_exists_and_neutral_is_the_picture():
    assert set(NAMES) <= set(EXPRESSIONS)
    neutral = EXPRESSIONS["neutral"]
    assert (neutral.brow_raise, neutral.squint, neutral.corner_lift, neutral.pitch, neutral.energy) == (0, 0, 0, 0, 1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"expression": "grumpy"}, "expression must be one of neutral, happy, sad, surprised, angry, calm, excited, got 'grumpy'"),
        ({"expression": 3}, "expression must be text"),
        ({"expression_strength": 1.5}, "expression_strength must be between 0 and 1, got 1.5"),
        ({"expression_strength": -0.1}, "expression_strength must be between 0 and 1"),
    ],
)
def test_expression_options_are_checked(options, message):
    with pytest.raises(ParameterError, match=message):
        split_options(options)


def test_expression_options_belong_to_the_motion_stage():
    motion = split_options({"expression": "sad", "expression_strength": 0.5})["motion"]
    assert (motion.expression, motion.expression_strength) == ("sad", 0.5)
    assert Job.single("a.png", "o.mp4", audio="a.wav").motion.expression == "neutral"


def test_turns_refuse_unknown_expressions_and_expressive_pauses():
    with pytest.raises(ParameterError, match="expression must be one of .*got 'glum'"):
        Turn(Speaker(), audio="a.wav", expression="glum")
    with pytest.raises(ParameterError, match="either a pause or a speech"):
        Turn(speaker=None, pause=1.0, expression="sad")
    with pytest.raises(ParameterError, match="turn 1: expression must be one of"):
        Job.from_dict({"image": "a.png", "output": "o.mp4", "turns": [{"face": 0, "audio": "a.wav", "expression": "x"}]})


def test_per_turn_expressions_come_from_a_script_and_survive_json(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "image: pair.png\n"
        "characters:\n"
        "  grace: {face: 0, expression: happy}\n"
        "  mage: {face: 1}\n"
        "turns:\n"
        "  - {face: grace, audio: a.wav}\n"
        "  - {face: mage, audio: b.wav, expression: surprised}\n"
        "  - {pause: 0.5}\n"
        "  - {face: grace, audio: c.wav, expression: sad}\n"
        "  - {face: 1, audio: d.wav}\n"
    )
    job = load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4", expression="calm", expression_strength=0.7)
    assert [t.expression for t in job.turns] == ["happy", "surprised", None, "sad", None]
    assert (job.motion.expression, job.motion.expression_strength) == ("calm", 0.7)
    data = json.loads(json.dumps(job.to_dict()))
    assert data["turns"][1]["expression"] == "surprised" and "expression" not in data["turns"][4]
    assert data["options"]["expression"] == "calm"
    assert Job.from_dict(data) == job


def test_a_broken_expression_in_a_script_names_its_turn(tmp_path):
    (tmp_path / "s.yaml").write_text("image: a.png\nturns: [{face: 0, audio: a.wav}, {face: 0, audio: b.wav, expression: moody}]")
    with pytest.raises(ParameterError, match="turn 2: expression must be one of neutral, happy"):
        load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4")


def test_changes_ease_over_half_a_second_centred_on_the_turn():
    fps = 25.0
    track = expression_track([(0, "neutral"), (50, "happy"), (100, "neutral")], n_frames=150, fps=fps)
    lift = track.corner_lift
    assert lift[0] == 0 and lift[149] == 0 and lift[75] == pytest.approx(EXPRESSIONS["happy"].corner_lift)
    moving = np.flatnonzero((lift > 0.01) & (lift < 0.99))
    rising = moving[moving < 75]
    assert 0.3 * fps <= len(rising) <= 0.6 * fps  # about half a second, no snap
    assert rising.min() < 50 < rising.max()  # centred on the change
    assert np.all(np.diff(lift[:75]) >= -1e-6)
    assert np.abs(np.diff(lift)).max() < 0.2


def test_a_track_needs_known_expressions():
    with pytest.raises(ParameterError, match="expression must be one of neutral, .*got 'smug'"):
        expression_track([(0, "happy"), (10, "smug")], n_frames=20, fps=25.0)
    with pytest.raises(ParameterError, match="at least one"):
        expression_track([], n_frames=20, fps=25.0)


def test_strength_scales_every_control_and_the_first_expression_holds_from_the_start():
    full = expression_track([(40, "sad")], n_frames=60, fps=25.0)
    half = expression_track([(40, "sad")], n_frames=60, fps=25.0, strength=0.5)
    sad = EXPRESSIONS["sad"]
    assert full.corner_lift[0] == pytest.approx(sad.corner_lift) and full.pitch[0] == pytest.approx(sad.pitch)
    assert half.brow_inner[10] == pytest.approx(0.5 * sad.brow_inner)
    assert half.energy[10] == pytest.approx(1 + 0.5 * (sad.energy - 1))


def test_carriage_and_energy_go_on_top_of_the_motion():
    t = np.arange(50) / 25.0
    voice = Prosody(25.0, np.clip(np.sin(2 * np.pi * 1.5 * t), 0, 1), 3 * np.sin(2 * np.pi * 0.7 * t), np.ones(50))
    motion = face_motion(voice, seed=3)
    same = express_motion(motion, expression_track([(0, "neutral")], n_frames=50, fps=25.0))
    for name in ("brow", "yaw", "pitch", "roll", "blink", "gaze_x"):
        assert np.array_equal(getattr(same, name), getattr(motion, name))
    sad = express_motion(motion, expression_track([(0, "sad")], n_frames=50, fps=25.0))
    excited = express_motion(motion, expression_track([(0, "excited")], n_frames=50, fps=25.0))
    assert sad.pitch.mean() > motion.pitch.mean() + 2 > excited.pitch.mean() + 2  # sad hangs the head, excited lifts it
    assert np.std(sad.yaw) < np.std(motion.yaw) < np.std(excited.yaw)
    assert np.array_equal(sad.blink, motion.blink)


def _expressed(name: str, **pose) -> Pose:
    e = EXPRESSIONS[name]
    return Pose(
        brow_raise=e.brow_raise, brow_inner=e.brow_inner, squint=e.squint, lid_drop=e.lid_drop, corner_lift=e.corner_lift, **pose
    )


def _heights(rig, points):
    """Mean height (pixels, up = +) of the mouth corners, brows and the eyes' opening."""
    lm = dict(zip(rig.landmark_ids.tolist(), range(len(rig.landmark_ids))))
    up = -rig.down

    def at(ids):
        return points[[lm[i] for i in ids]].mean(0) @ up

    corners = at([topo.MOUTH_CORNER_LEFT, topo.MOUTH_CORNER_RIGHT]) - at([13, 14])
    brows = at(topo.BROWS) - at([33, 133, 362, 263])
    eyes = at([159, 386]) - at([145, 374])
    return corners, brows, eyes


def test_happy_raises_the_corners_and_squints_sad_lowers_them_surprise_raises_the_brows():
    _, face = synthetic_face(size=320)
    rig = build_rig(face, image_shape=(320, 320), whole_face=True)
    heights = {name: _heights(rig, pose_points(rig, _expressed(name))) for name in NAMES}
    corners, brows, eyes = heights["neutral"]
    iod = 60.0  # the synthetic face's distance between the eyes
    assert heights["happy"][0] - heights["sad"][0] > 0.08 * iod
    assert heights["happy"][2] < eyes  # squint
    assert heights["surprised"][1] - brows > 0.05 * iod
    assert heights["surprised"][2] > eyes  # eyes wide
    assert heights["angry"][1] < brows
    for name in ("happy", "calm", "excited"):
        assert heights[name][0] > corners, name
    # The corners move while talking too, and the opening keeps its height.
    talking = {name: pose_points(rig, _expressed(name, open=0.7)) for name in ("neutral", "happy")}
    gap = {name: (p[rig.slot["lower_inner"]] - p[rig.slot["upper_inner"]]) @ rig.down for name, p in talking.items()}
    assert np.abs(gap["happy"] - gap["neutral"]).max() < 0.01 * gap["neutral"].max()
    assert _heights(rig, talking["happy"])[0] > _heights(rig, talking["neutral"])[0] + 0.03 * iod


def test_neutral_is_exactly_no_expression():
    _, face = synthetic_face(size=320)
    rig = build_rig(face, image_shape=(320, 320), whole_face=True)
    for pose in (Pose(), Pose(open=0.6, spread=-0.5, blink=0.7, brow=0.4, gaze_x=0.3), Pose(rest=1.0, fv=0.5)):
        assert np.array_equal(pose_points(rig, replace(pose, **_fields("neutral"))), pose_points(rig, pose))


def _fields(name):
    e = EXPRESSIONS[name]
    return {k: getattr(e, k) for k in ("brow_raise", "brow_inner", "squint", "lid_drop", "corner_lift")}


def test_standard_mode_shows_expressions_at_the_mouth_only():
    image, face = synthetic_face(size=320)
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    plain, happy = image.copy(), image.copy()
    animator.apply(plain, Pose(rest=1.0))
    animator.apply(happy, _expressed("happy", rest=1.0))
    assert np.array_equal(plain, image)  # at rest, without expression: the picture itself
    changed = np.any(happy != image, axis=2)
    assert changed.any()
    nose_y = int(face.landmarks[topo.NOSE_BOTTOM, 1])
    assert not changed[:nose_y].any()  # brows and lids untouched


def test_big_drawn_eyes_keep_their_shape_whatever_the_expression():
    # Squashing a big anime eye smears its line art: such lids stay, the brows still move.
    _, face = synthetic_face(size=320, style="drawn")
    lm = face.landmarks.copy()
    for upper, lower in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
        lm[list(lower[1:-1]), 1] = lm[list(upper[1:-1]), 1] + 16  # lids far apart: a big drawn eye
    rig = build_rig(replace(face, landmarks=lm), image_shape=(320, 320), whole_face=True)
    assert rig.lids == "paint"
    posed = pose_points(rig, _expressed("happy"))
    lids = np.concatenate([rig.slot[k] for k in ("right_upper_lid", "right_lower_lid", "left_upper_lid", "left_lower_lid")])
    assert np.array_equal(posed[lids], rig.points[lids])
    surprised = pose_points(rig, _expressed("surprised"))
    assert np.all((surprised[rig.slot["right_brow"]] - rig.points[rig.slot["right_brow"]]) @ rig.down < -1)


def test_the_command_line_takes_expressions_and_names_its_flags_in_errors(tmp_path, real_data, capsys):
    from talkingphoto.cli import main

    image = str(real_data / "images" / "grace_hopper.jpg")
    speech = str(real_data / "audio" / "goforward.wav")
    out = str(tmp_path / "o.mp4")
    assert main(["render", image, speech, "-o", out, "--expression-strength", "2"]) == 2
    assert capsys.readouterr().err.startswith("error: --expression-strength must be between 0 and 1, got 2")
    with pytest.raises(SystemExit):
        main(["render", image, speech, "-o", out, "--expression", "grumpy"])
    err = capsys.readouterr().err
    assert "--expression: invalid choice: 'grumpy'" in err and all(name in err for name in NAMES)
    (tmp_path / "s.yaml").write_text("image: a.png\nturns: [{face: 0, audio: a.wav}]")
    assert main(["dialogue", str(tmp_path / "s.yaml"), "-o", out, "--expression-strength", "-1"]) == 2
    assert capsys.readouterr().err.startswith("error: --expression-strength must be between 0 and 1")


def test_the_studio_api_takes_an_expression(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from test_jobs_fakes import fake_render, write_png, write_wav

    from talkingphoto.web import create_app

    seen = []

    def renderer(job, **kw):
        seen.append((job.motion.expression, job.motion.expression_strength))
        return fake_render(job, **kw)

    files = {
        "image": ("face.png", write_png(tmp_path / "face.png").read_bytes(), "image/png"),
        "audio": ("voice.wav", write_wav(tmp_path / "voice.wav", seconds=0.5).read_bytes(), "audio/wav"),
    }
    app = create_app(data_dir=tmp_path / "data", workers=1, renderer=renderer)
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("127.0.0.1", 50123)) as client:
        options = json.dumps({"expression": "surprised", "expression_strength": 0.5})
        created = client.post("/api/jobs", files=files, data={"options": options})
        assert created.status_code == 201, created.text
        refused = client.post("/api/jobs", files=files, data={"options": json.dumps({"expression": "smug"})})
        deadline = time.monotonic() + 20
        while client.get(f"/api/jobs/{created.json()['id']}").json()["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
    assert seen == [("surprised", 0.5)]
    assert refused.status_code == 422 and "expression must be one of neutral, happy" in refused.json()["detail"]


def _mesh_heights(frames: list) -> np.ndarray:
    """Mean (corner height, brow height) over ``frames`` by face mesh, in eye distances."""
    from mediapipe.python.solutions import face_mesh

    with face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True) as mesh:
        found = []
        for frame in frames:
            h, w = frame.shape[:2]
            p = np.array([(q.x * w, q.y * h) for q in mesh.process(frame).multi_face_landmarks[0].landmark])
            right_eye, left_eye = p[[33, 133]].mean(0), p[[362, 263]].mean(0)
            iod = np.linalg.norm(left_eye - right_eye)
            across = (left_eye - right_eye) / iod
            up = np.array([across[1], -across[0]])
            corners = (p[[topo.MOUTH_CORNER_LEFT, topo.MOUTH_CORNER_RIGHT]].mean(0) - p[[13, 14]].mean(0)) @ up
            brows = (p[list(topo.BROWS)].mean(0) - (right_eye + left_eye) / 2) @ up
            found.append((corners / iod, brows / iod))
    return np.mean(found, axis=0)


@pytest.mark.slow
def test_a_real_photo_smiles_frowns_and_raises_its_brows(real_data, tmp_path):
    from talkingphoto.pipeline import frame_at
    from talkingphoto.scene import build_scene

    # Not grace_hopper.jpg: her frames lie on her brows and stay still (see _glasses), and
    # face mesh puts her brows on them (measured: surprised lifts them 0.007 eye distances).
    image, speech = real_data / "images" / "astronaut.jpg", real_data / "audio" / "goforward.wav"
    heights, frames = {}, {}
    for name in ("neutral", "happy", "sad", "surprised"):
        scene = build_scene(Job.single(image, tmp_path / "o.mp4", audio=speech, mode="vivid", expression=name))
        frames[name] = [frame_at(scene, i) for i in (0, 20, 40, 60)]
        heights[name] = _mesh_heights(frames[name])
    assert heights["happy"][0] - heights["sad"][0] > 0.04
    assert heights["surprised"][1] - heights["neutral"][1] > 0.02
    # Only the head moves: the picture's corners are the picture's.
    for name in ("happy", "sad"):
        for frame in frames[name]:
            assert np.array_equal(frame[:40, :40], frames["neutral"][0][:40, :40])


@pytest.mark.slow
def test_a_turn_changes_the_speakers_expression_as_it_starts(real_data, tmp_path):
    from talkingphoto.pipeline import frame_at
    from talkingphoto.scene import build_scene

    speech = real_data / "audio" / "goforward.wav"
    turns = (Turn(Speaker(), audio=speech), Turn(Speaker(), audio=speech, expression="happy"))
    motion = split_options({"mode": "vivid"})["motion"]
    scene = build_scene(Job(real_data / "images" / "grace_hopper.jpg", turns, tmp_path / "o.mp4", motion))
    (actor,) = scene.actors
    lift, fps = actor.expression.corner_lift, scene.fps
    start = int(round(2.8 * fps))  # the second turn starts after the first recording's 2.8 s
    ease = int(0.3 * fps)
    assert np.allclose(lift[: start - ease], 0, atol=1e-6) and np.allclose(lift[start + ease :], 1, atol=1e-6)
    assert 0.2 < lift[start] < 0.8
    # Both turns say the same words: compare the same moments of each, so the mouth's
    # opening is the same and only the expression differs.
    moments = range(10, start - ease, 10)
    before = _mesh_heights([frame_at(scene, i) for i in moments])
    after = _mesh_heights([frame_at(scene, start + i) for i in moments])
    assert after[0] > before[0] + 0.015  # neutral to happy: about +0.025 by face mesh
