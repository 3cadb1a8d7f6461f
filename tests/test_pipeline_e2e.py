"""End to end on the shared real data: pictures and recordings in, checked MP4s out."""

import json
import re

import numpy as np
import pytest
from conftest import blink_and_rings

import talkingphoto
from talkingphoto.characters import topology as topo
from talkingphoto.media import probe_media
from talkingphoto.job import Job
from talkingphoto.pipeline import animate, frame_at
from talkingphoto.scene import build_scene

pytestmark = pytest.mark.slow

TRANSCRIPT_0880 = "he was not an ill disposed young man"


def _scene(real_data, tmp_path, *, image="grace_hopper.jpg", audio="sense_and_sensibility_01_austen_64kb-0880.wav", **options):
    job = Job.single(real_data / "images" / image, tmp_path / "out.mp4", audio=real_data / "audio" / audio, **options)
    return build_scene(job)


def _mouth_box(face, pad: float = 0.6):
    lips = face.landmarks[topo.LIPS_ALL, :2]
    (x0, y0), (x1, y1) = lips.min(0), lips.max(0)
    w, h = x1 - x0, y1 - y0
    return (int(x0 - pad * w), int(y0 - pad * h), int(x1 + pad * w), int(y1 + 2 * pad * h))


def test_render_writes_browser_ready_mp4_as_long_as_the_audio(real_data, tmp_path):
    audio = real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    out = tmp_path / "grace.mp4"
    result = talkingphoto.render(real_data / "images" / "grace_hopper.jpg", audio, out, mode="standard")
    info = probe_media(out)
    assert (info.width, info.height) == (512, 600)  # the picture's own size and aspect ratio
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.duration - probe_media(audio).duration) <= 1 / 25 + 1e-3
    assert info.n_video_frames == result.n_frames
    assert not [p for p in tmp_path.iterdir() if p.name != "grace.mp4"]  # no leftovers


def test_standard_mode_moves_the_mouth_and_nothing_outside_the_lower_face(real_data, tmp_path):
    scene = _scene(real_data, tmp_path, mode="standard")
    image = scene.image
    x0, y0, x1, y1 = scene.actors[0].animator.region
    mx0, my0, mx1, my1 = _mouth_box(scene.speaker)
    mouth_means = []
    for frame in animate(image, scene.actors, scene.n_frames):
        outside = np.ones(image.shape[:2], bool)
        outside[y0:y1, x0:x1] = False
        assert np.array_equal(frame[outside], image[outside])
        mouth_means.append(frame[my0:my1, mx0:mx1].mean())
    # The mouth opens and closes over time: its brightness swings by whole grey levels.
    assert np.ptp(mouth_means) > 5
    assert y0 > scene.speaker.landmarks[topo.NOSE_TIP, 1]


def _eye_detail_ratio(scene, frames) -> float:
    """Fine detail (Laplacian variance) in boxes around the speaker's eyes, frames over the
    picture: 1.0 is as sharp as the photo (lashes, catchlights, skin)."""
    import cv2

    def detail(image, box):
        x0, y0, x1, y1 = box
        return cv2.Laplacian(cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY), cv2.CV_32F).var()

    boxes = []
    for ids in (topo.RIGHT_EYE, topo.LEFT_EYE):
        pts = scene.speaker.landmarks[ids, :2]
        (x0, y0), (x1, y1) = pts.min(0), pts.max(0)
        m = 0.35 * (x1 - x0)
        boxes.append((int(x0 - m), int(y0 - m), int(x1 + m), int(y1 + m)))
    return float(np.mean([detail(f, b) / detail(scene.image, b) for f in frames for b in boxes]))


def test_vivid_mode_moves_eyes_and_head_too(real_data, tmp_path):
    scene = _scene(real_data, tmp_path, mode="vivid", audio="sense_and_sensibility_01_austen_64kb-0870.wav")
    motion = scene.actors[0].motion
    assert 0.5 <= np.count_nonzero(np.diff((motion.blink > 0.5).astype(int)) > 0) <= 6  # 7 s: a few blinks
    eye = scene.speaker.landmarks[topo.RIGHT_EYE, :2]
    (ex0, ey0), (ex1, ey1) = eye.min(0).astype(int) - 4, eye.max(0).astype(int) + 4
    forehead = scene.speaker.landmarks[topo.FOREHEAD, :2].astype(int)
    eye_patches, forehead_patches = [], []
    for i, frame in enumerate(animate(scene.image, scene.actors, scene.n_frames)):
        if i % 5 == 0 or motion.blink[i] > 0.9:
            eye_patches.append(frame[ey0:ey1, ex0:ex1].astype(float))
            forehead_patches.append(frame[forehead[1] : forehead[1] + 20, forehead[0] - 20 : forehead[0] + 20].astype(float))
    assert np.std(eye_patches, axis=0).mean() > 3
    assert np.std(forehead_patches, axis=0).mean() > 1  # the head moves


def test_vivid_eyes_keep_the_photos_fine_detail(real_data, tmp_path):
    """Face and head warps are one resampling, the face sampled sharply: eyes keep >= 0.8
    of the photo's Laplacian variance (0.83 measured; two bilinear passes kept 0.44)."""
    from talkingphoto.pipeline import frame_at

    scene = _scene(real_data, tmp_path, mode="vivid")
    blink = scene.actors[0].motion.blink
    frames = [frame_at(scene, i) for i in np.flatnonzero(blink < 0.05)[::6]]
    assert len(frames) >= 5
    assert _eye_detail_ratio(scene, frames) >= 0.8


@pytest.mark.parametrize("image", ["grace_hopper.jpg", "wesnoth_peasant.png"])
def test_blinks_leave_glasses_rims_and_hat_brims_alone(real_data, tmp_path, image):
    """A blink changes pixels only inside the fixed ring around each eye (the rims above
    Grace Hopper's eyes and the peasant's hat brim lie outside it)."""
    scene = _scene(real_data, tmp_path, image=image, mode="vivid")
    animator = scene.actors[0].animator
    assert animator.rig.lids == "squash"
    changed, inside = blink_and_rings(animator, scene.image)
    assert changed.sum() > 40  # both eyes closed
    assert not (changed & ~inside).any()


def test_the_far_eye_of_a_painted_profile_stays_still(real_data, tmp_path):
    from talkingphoto.render import Pose

    scene = _scene(real_data, tmp_path, image="wesnoth_footpad.png", mode="vivid")
    animator = scene.actors[0].animator
    assert animator.rig.still_eyes == ("left",)
    open_eyes, shut = scene.image.copy(), scene.image.copy()
    animator.apply(open_eyes, Pose(blink=0.0))
    animator.apply(shut, Pose(blink=1.0))
    changed = np.any(open_eyes != shut, axis=2)
    far = scene.speaker.landmarks[topo.LEFT_EYE, :2]
    (x0, y0), (x1, y1) = np.floor(far.min(0)).astype(int) - 4, np.ceil(far.max(0)).astype(int) + 4
    assert not changed[y0:y1, x0:x1].any()  # no lid, no lash stroke over the nose's outline
    near = scene.speaker.landmarks[topo.RIGHT_EYE, :2]
    (x0, y0), (x1, y1) = np.floor(near.min(0)).astype(int), np.ceil(near.max(0)).astype(int)
    assert changed[y0:y1, x0:x1].any()


def test_lip_sync_of_the_rendered_video(real_data, tmp_path):
    """Re-detect the mouth in the MP4 and compare with forced-aligned phones (target >= 0.7 at lag 0)."""
    from talkingphoto.evaluation.__main__ import evaluate_video

    out = tmp_path / "sync.mp4"
    audio = real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    talkingphoto.render(real_data / "images" / "grace_hopper.jpg", audio, out, mode="vivid")
    report = evaluate_video(out, audio=audio, transcript=TRANSCRIPT_0880)
    assert report.valid_fraction > 0.95
    assert report.correlation >= 0.7
    assert abs(report.best_lag) <= 1
    assert report.closure_rate >= 0.5


@pytest.mark.parametrize(
    "image, size, detector",
    [
        ("sylvie_green_normal.png", (456, 700), "animeface+mesh"),
        ("wesnoth_mage_female.png", (400, 400), "face_detection+mesh"),
    ],
)
def test_drawn_characters_keep_their_frame_and_move_their_mouths(real_data, tmp_path, image, size, detector):
    scene = _scene(real_data, tmp_path, image=image, audio="goforward.wav", mode="vivid")
    assert scene.image.shape[1::-1] == size  # full figure kept, never cropped
    assert scene.speaker.detector == detector and scene.speaker.style == "drawn"
    mx0, my0, mx1, my1 = _mouth_box(scene.speaker, pad=1.0)
    still = scene.image[my0:my1, mx0:mx1].astype(float)
    change = [np.abs(f[my0:my1, mx0:mx1] - still).mean() for f in animate(scene.image, scene.actors, scene.n_frames)]
    # The mouth visibly opens (a dark interior balances the teeth, so brightness alone
    # would not tell), and it does so when the track says so.
    assert max(change) > 8
    assert np.corrcoef(change, scene.actors[0].mouth.open)[0, 1] > 0.6


def test_a_cat_renders_from_a_points_file_and_fails_helpfully_without(real_data, tmp_path):
    from talkingphoto.errors import NoFaceError

    image = real_data / "images" / "chelsea.png"
    audio = real_data / "audio" / "goforward.wav"
    with pytest.raises(NoFaceError, match="--points") as info:
        talkingphoto.render(image, audio, tmp_path / "cat.mp4")
    assert "inspect" in str(info.value)
    assert not (tmp_path / "cat.mp4").exists()
    points = tmp_path / "cat.json"
    points.write_text(
        json.dumps(
            {
                "mouth_left": [228, 281],
                "mouth_right": [290, 279],
                "upper_lip": [258, 279],
                "lower_lip": [258, 287],
                "chin": [260, 298],
                "left_eye": [170, 115],
                "right_eye": [318, 135],
            }
        )
    )
    result = talkingphoto.render(image, audio, tmp_path / "cat.mp4", points=str(points), mode="vivid")
    assert result.face.detector == "points"
    info = probe_media(tmp_path / "cat.mp4")
    assert info.height == 300 and info.width % 2 == 0 and abs(info.width - 451) == 1  # made even, not cropped


def _pair(real_data, tmp_path):
    """tmp_path/pair.png: the grace_hopper photo beside the painted mage, face 0 and 1."""
    import cv2

    from talkingphoto.media import load_image

    grace = load_image(real_data / "images" / "grace_hopper.jpg")
    mage = load_image(real_data / "images" / "wesnoth_mage_female.png")
    mage = cv2.resize(mage, (600, 600), interpolation=cv2.INTER_CUBIC)
    pair = np.full((600, 1112, 3), 255, np.uint8)
    pair[:, :512] = grace
    pair[:, 512:] = mage
    cv2.imwrite(str(tmp_path / "pair.png"), cv2.cvtColor(pair, cv2.COLOR_RGB2BGR))
    return tmp_path / "pair.png"


def test_dialogue_mouths_take_turns_and_listeners_keep_their_lips_shut(real_data, tmp_path):
    from talkingphoto.dialogue import load_script

    _pair(real_data, tmp_path)
    for name in ("goforward.wav", "sense_and_sensibility_01_austen_64kb-0880.wav"):
        (tmp_path / name).write_bytes((real_data / "audio" / name).read_bytes())
    (tmp_path / "talk.yaml").write_text(
        "image: pair.png\n"
        "turns:\n"
        "  - face: 0\n    audio: goforward.wav\n"
        "  - pause: 0.4\n"
        "  - face: 1\n    audio: sense_and_sensibility_01_austen_64kb-0880.wav\n"
    )
    scene = build_scene(load_script(tmp_path / "talk.yaml", output=tmp_path / "talk.mp4", mode="standard"))
    assert len(scene.actors) == 2
    first_end = int(2.8 * 25)
    second_start = int((2.8 + 0.4) * 25) + 2
    boxes = [_mouth_box(actor.animator.face) for actor in scene.actors]
    still = [scene.image[y0:y1, x0:x1].astype(float) for x0, y0, x1, y1 in boxes]
    change = np.zeros((scene.n_frames, 2))
    for i, frame in enumerate(animate(scene.image, scene.actors, scene.n_frames)):
        for k, (x0, y0, x1, y1) in enumerate(boxes):
            change[i, k] = np.abs(frame[y0:y1, x0:x1] - still[k]).mean()
    # Each mouth moves in its own turn and rests, closed, in the other's.
    assert change[:first_end, 0].max() > 3 * change[second_start:, 0].max() + 1
    assert change[second_start:, 1].max() > 3 * change[:first_end, 1].max() + 1
    open_0 = scene.actors[0].mouth.open
    open_1 = scene.actors[1].mouth.open
    assert open_0[second_start:].max() == 0 and open_1[:first_end].max() == 0
    from talkingphoto.pipeline import encode_scene

    encode_scene(scene, tmp_path / "talk.mp4", crf=20, preset="veryfast")
    assert abs(probe_media(tmp_path / "talk.mp4").duration - (2.8 + 0.4 + 3.0)) < 0.2



def test_master_mode_moves_body_and_camera_and_keeps_lip_sync(real_data, tmp_path):
    from talkingphoto.evaluation.__main__ import evaluate_video
    from talkingphoto.pipeline import frame_at

    scene = _scene(real_data, tmp_path, mode="master")
    assert scene.stage is not None and scene.actors[0].motion is not None  # vivid's face motion too
    # The head rises and falls with the body's breath: one breathing, not two at odds.
    assert np.corrcoef(-scene.actors[0].motion.shift_y, scene.stage.motion.breath)[0, 1] > 0.99
    first, last = frame_at(scene, 0), frame_at(scene, scene.n_frames - 1)
    assert first.shape == scene.image.shape
    # The stage resamples the sharp faces once more (and its camera magnifies them a few
    # percent): master keeps nearly as much detail as vivid (0.68 against 0.83 measured).
    assert _eye_detail_ratio(scene, [frame_at(scene, 30)]) > 0.6
    # The camera moves the whole picture, corners included, and no black edge comes in.
    corner = (slice(0, 40), slice(0, 40))
    assert np.abs(first[corner].astype(float) - last[corner]).mean() > 3
    assert min(f[:, [0, -1]].mean() for f in (first, last)) > 20

    out = tmp_path / "master.mp4"
    audio = real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    result = talkingphoto.render(real_data / "images" / "grace_hopper.jpg", audio, out, mode="master")
    info = probe_media(out)
    assert (info.width, info.height) == (512, 600) and info.n_video_frames == result.n_frames
    report = evaluate_video(out, audio=audio, transcript=TRANSCRIPT_0880)
    assert report.valid_fraction > 0.95 and report.correlation >= 0.7 and abs(report.best_lag) <= 1


def test_master_mode_on_a_cutout_keeps_its_backdrop(real_data, tmp_path):
    from talkingphoto.pipeline import frame_at

    scene = _scene(real_data, tmp_path, image="wesnoth_mage_female.png", audio="goforward.wav", mode="master")
    assert scene.stage.animator.uniform_plate  # the sprite's own transparency was its mask
    for i in (0, scene.n_frames // 2, scene.n_frames - 1):
        frame = frame_at(scene, i)
        assert frame[:30, :30].min() > 240 and frame[:30, -30:].min() > 240  # still the white page


def test_in_master_mode_each_character_breathes_on_their_own(real_data, tmp_path):
    """The speaker breathes as the voice dictates, the listener calmly at rest; each head
    rises with its own shoulders (before, one layer: the listener's shoulders rose
    exactly when the speaker breathed in)."""
    audio = real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    scene = build_scene(Job.single(_pair(real_data, tmp_path), tmp_path / "out.mp4", audio=audio, face=0, mode="master"))
    speaker, listener = scene.stage.bodies
    np.testing.assert_array_equal(speaker.breath, scene.stage.motion.breath)  # the only voice is hers
    assert np.corrcoef(speaker.breath, listener.breath)[0, 1] < 0.5
    assert np.abs(speaker.breath - listener.breath).max() > 0.2
    np.testing.assert_array_equal(listener.lean, 0)  # no emphasis of her own
    for actor in scene.actors:
        body = scene.stage.bodies[actor.animator.face.index]
        assert np.corrcoef(-actor.motion.shift_y, body.breath)[0, 1] > 0.99
    first, second = scene.stage.pose(int(np.argmax(speaker.breath - listener.breath)))
    assert first.breath > second.breath + 0.2
    assert (first.zoom, first.pan_x, first.pan_y) == (second.zoom, second.pan_x, second.pan_y)  # one camera


def test_a_dialogue_character_can_be_rigged_from_points(real_data, tmp_path):
    from talkingphoto.dialogue import load_script

    (tmp_path / "cat.png").write_bytes((real_data / "images" / "chelsea.png").read_bytes())
    (tmp_path / "meow.wav").write_bytes((real_data / "audio" / "goforward.wav").read_bytes())
    (tmp_path / "cat.json").write_text(
        json.dumps({"mouth_left": [228, 281], "mouth_right": [290, 279], "upper_lip": [258, 279],
                    "lower_lip": [258, 287], "chin": [260, 298]})
    )  # fmt: skip
    (tmp_path / "talk.yaml").write_text(
        "image: cat.png\ncharacters:\n  chelsea: {points: cat.json}\nturns:\n  - face: chelsea\n    audio: meow.wav\n"
    )
    scene = build_scene(load_script(tmp_path / "talk.yaml", output=tmp_path / "o.mp4", mode="vivid"))
    (actor,) = scene.actors
    assert actor.animator.face.detector == "points" and actor.mouth.open.max() > 0.3


def test_a_render_is_a_conversation_with_one_turn(real_data, tmp_path):
    """Same frames for the same seed, whether the job comes from render's flags or a script."""
    from talkingphoto.dialogue import load_script
    from talkingphoto.pipeline import frame_at

    audio = "sense_and_sensibility_01_austen_64kb-0880.wav"
    for name, folder in (("grace_hopper.jpg", "images"), (audio, "audio")):
        (tmp_path / name).write_bytes((real_data / folder / name).read_bytes())
    (tmp_path / "one.yaml").write_text(f"image: grace_hopper.jpg\nturns: [{{face: 0, audio: {audio}}}]\n")
    single = _scene(real_data, tmp_path, mode="vivid", seed=7)
    scripted = build_scene(load_script(tmp_path / "one.yaml", output=tmp_path / "o.mp4", mode="vivid", seed=7))
    other_seed = _scene(real_data, tmp_path, mode="vivid", seed=8)
    assert single.n_frames == scripted.n_frames
    for i in (0, 20, 50):
        assert np.array_equal(frame_at(single, i), frame_at(scripted, i))
    assert not np.array_equal(frame_at(single, 50), frame_at(other_seed, 50))


def test_a_picture_larger_than_the_video_is_decoded_reduced_and_coordinates_stay_the_users(
    real_data, tmp_path, monkeypatch
):
    """A 4x upscale of the cat (1804 x 1200), faces looked for at 451 px (as a 7200 px picture
    would be at the usual 1920), is decoded at a quarter of its size; its points file, written
    for the big picture, still rigs the same mouth, and face_at and the faces an error lists
    are in the big picture's pixels."""
    from PIL import Image

    import talkingphoto.characters
    from talkingphoto.errors import NoFaceError

    monkeypatch.setattr(talkingphoto.characters, "DETECT_SIDE", 451)

    big = tmp_path / "big_cat.png"
    with Image.open(real_data / "images" / "chelsea.png") as cat:
        cat.convert("RGB").resize((1804, 1200), Image.BICUBIC).save(big)
    points = tmp_path / "cat.json"
    cat_points = {"mouth_left": [228, 281], "mouth_right": [290, 279], "upper_lip": [258, 279],
                  "lower_lip": [258, 287], "chin": [260, 298]}  # fmt: skip
    points.write_text(json.dumps({k: [4 * v for v in p] for k, p in cat_points.items()}))
    job = Job.single(big, tmp_path / "o.mp4", audio=real_data / "audio" / "goforward.wav", points=points, max_size=451)
    scene = build_scene(job)
    assert scene.image.shape == (300, 450, 3)
    corners = scene.speaker.landmarks[[topo.MOUTH_CORNER_LEFT, topo.MOUTH_CORNER_RIGHT], 0]
    assert np.allclose(sorted(corners), [228 * 450 / 451, 290 * 450 / 451], atol=1.5)

    grace = tmp_path / "big_grace.jpg"
    with Image.open(real_data / "images" / "grace_hopper.jpg") as photo:
        photo.resize((1536, 1800), Image.BICUBIC).save(grace, quality=92)
    options = dict(audio=real_data / "audio" / "goforward.wav", output=tmp_path / "g.mp4")
    scene = build_scene(Job.single(grace, face_at=(768, 700), max_size=600, **options))
    assert scene.image.shape == (600, 512, 3) and scene.speaker.box[2] > 150  # the face, at video size
    with pytest.raises(NoFaceError, match=r"no face at point \(40, 1700\); faces seen.*0: box \(x=(\d+)") as error:
        build_scene(Job.single(grace, face_at=(40, 1700), max_size=600, **options))
    assert int(re.search(r"box \(x=(\d+)", str(error.value)).group(1)) > 300  # source pixels, not reduced ones


def test_a_portrait_whose_lids_fit_no_skin_past_the_irises_still_renders(real_data, tmp_path):
    # wesnoth_lancer: the rendered-eye fit's last pass (lids no further than past the
    # irises) finds no skin around an eye; the mesh's lids are kept instead of crashing.
    scene = _scene(real_data, tmp_path, image="wesnoth_lancer.png", audio="goforward.wav", mode="vivid")
    frames = [frame_at(scene, i) for i in range(0, scene.n_frames, 10)]
    assert all(f.shape == frames[0].shape for f in frames)


def test_a_text_job_opens_and_ends_on_the_picture_at_rest(real_data, tmp_path):
    """Synthesisers start within 30 ms: the video gives the first word a beat of stillness,
    in the picture's own mouth, and lets the last one finish; turns between keep theirs."""
    from talkingphoto.scene import TEXT_REST_S

    job = Job.single(real_data / "images" / "grace_hopper.jpg", tmp_path / "o.mp4", text="Hello there.", voice="en-us",
                     mode="standard")  # fmt: skip
    scene = build_scene(job)
    rest = int(TEXT_REST_S * scene.fps) - 1
    mouth = scene.actors[0].mouth
    assert not np.any(scene.audio[:, : int(0.25 * scene.sr)]) and not np.any(scene.audio[:, -int(0.25 * scene.sr) :])
    assert mouth.open[:rest].max() < 0.01 and mouth.open[-rest:].max() < 0.01 and mouth.open.max() > 0.3
    assert np.array_equal(frame_at(scene, 0), scene.image)


def test_a_frontal_cat_talks_with_no_points_clicked(tmp_path):
    # examples/kitten.jpg: no human or anime face, so the cat-face cascade rigs it as its
    # clicked points (examples/kitten_points.json) would, and the render says so.
    from pathlib import Path

    examples = Path(__file__).resolve().parents[1] / "examples"
    audio = examples / "speech.wav"
    found = build_scene(Job.single(examples / "kitten.jpg", tmp_path / "a.mp4", audio=audio, mode="vivid"))
    clicked = build_scene(
        Job.single(examples / "kitten.jpg", tmp_path / "b.mp4", audio=audio, mode="vivid", points=examples / "kitten_points.json")
    )
    assert found.speaker.detector == "catface"
    mouth = [topo.MOUTH_CORNER_LEFT, topo.MOUTH_CORNER_RIGHT, topo.UPPER_LIP_CENTRE, topo.LOWER_LIP_CENTRE, topo.CHIN]
    offsets = np.linalg.norm(found.speaker.landmarks[mouth, :2] - clicked.speaker.landmarks[mouth, :2], axis=1)
    assert offsets.max() < 8  # the 42 px wide mouth, as measured in test_characters_catface
    assert any("cat's face found automatically" in note and "--points" in note for note in found.notes)
    assert not any("cat's face" in note for note in clicked.notes)
    # It talks: the mouth opens as far as the clicked rig's does.
    for scene in (found, clicked):
        assert scene.actors[0].mouth.open.max() > 0.5
    x0, y0, x1, y1 = _mouth_box(found.speaker)
    widest = int(np.argmax(found.actors[0].mouth.open))
    frame = frame_at(found, widest)
    assert np.abs(frame[y0:y1, x0:x1].astype(int) - found.image[y0:y1, x0:x1]).mean() > 3
