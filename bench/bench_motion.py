"""Head and body motion in figures, measured on the rendered frames.

    .venv/bin/python bench/bench_motion.py [--pictures grace_hopper.jpg ...] [--strengths 0 1 2] [--out DIR]

Renders each picture (default: one of each style in tests/data/images) speaking 10.6 s of
real read speech (two LibriVox lines from tests/data/audio with a pause between) in vivid
mode at each ``--motion`` strength, finds the face again in every frame of the MP4 with
the face mesh, and prints per video:

- yaw / pitch / roll: spread between the 5th and 95th percentile, degrees;
- moves/min and moving: how often the head starts to move, and the share of frames in
  which it does (rotating faster than 6 degrees a second);
- nose std: the nose tip's standard deviation in iris distances. Targets: >= 0.05 at
  motion 1, <= 0.01 at motion 0, >= 1.5x motion 1's at motion 2;
- lip sync: correlation at lag 0 of the re-detected mouth with the phone reference
  (python -m talkingphoto.evaluation's figure), which larger motion must not lower;
- bg shift and bg bend: how far the head's warp moves the background beside the head
  (pixels where the person mask is under 0.2), at most over the clip, in pixels, and
  how much it stretches or shears it (the largest singular value of the displacement's
  gradient, in percent: a straight line beside the head bends by about that slope).

Then master mode on a 1280x720 frame holding the bundled portrait: how far breathing
lifts the shoulders (px, from the stage's transforms at mediapipe pose's shoulder points)
and the top of the head, how far sway moves the head, and the camera's travel over the
first 10 s: zoom change, how far the face moves on screen, and how far the background's
top-left corner moves (the camera zooms in on the face, so the frame's edges travel
most). ``--out`` keeps the videos.
"""

import argparse
import sys
import tempfile
import wave
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
STYLES = {
    "grace_hopper.jpg": "photo",
    "astronaut.jpg": "photo, smiling",
    "wesnoth_mage_female.png": "painted",
    "sylvie_green_normal.png": "anime sprite",
    "freedroidrpg_kevin.png": "3D cartoon",
}
LINES = (
    ("sense_and_sensibility_01_austen_64kb-0870.wav", "and mister john dashwood had then leisure to consider how much"
     " there might be prudently in his power to do for them"),
    ("sense_and_sensibility_01_austen_64kb-0880.wav", "he was not an ill disposed young man"),
)  # fmt: skip
PAUSE = 0.5  # seconds between the lines


def _speech(path: Path) -> tuple:
    """The two lines with a pause between, as 16 kHz WAV; returns (samples, transcript)."""
    from talkingphoto.media import load_audio

    sr = 16000
    parts = []
    for name, _ in LINES:
        parts += [load_audio(DATA / "audio" / name, sr=sr, mono=True)[0], np.zeros(int(PAUSE * sr), np.float32)]
    y = np.concatenate(parts[:-1])
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sr)
        wav.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())
    return y, " ".join(text for _, text in LINES)


def _measure(video: Path, phones, *, fps: float) -> dict:
    """Head figures and lip-sync correlation of ``video``."""
    from talkingphoto.evaluation import head_report, landmark_openness, lipsync_report, reference_openness, track_video_landmarks

    landmarks = track_video_landmarks(video)
    head = head_report(landmarks, fps=fps)
    openness = landmark_openness(landmarks)
    sync = lipsync_report(openness, reference_openness(phones, fps=fps, n_frames=len(openness)), phones, fps=fps)
    return {**head.to_dict(), "lipsync": sync.correlation}


def _background_motion(scene) -> tuple:
    """(shift px, bend %) of the background beside the speaker's head over the clip."""
    from talkingphoto.characters import person_mask

    actor = scene.actors[0]
    head, motion = actor.animator.head, actor.motion
    mask = person_mask(scene.image, [scene.speaker])
    x0, y0, x1, y1 = head.roi
    gh, gw = head.grid_x.shape
    person = cv2.resize(mask[y0:y1, x0:x1], (gw, gh), interpolation=cv2.INTER_AREA)
    background = (person < 0.2) & (head.weight > 0)
    step_x, step_y = float(head.grid_x[0, 1] - head.grid_x[0, 0]), float(head.grid_y[1, 0] - head.grid_y[0, 0])
    shift = bend = 0.0
    for i in range(motion.n_frames):
        d = head.motion(
            yaw=motion.yaw[i], pitch=motion.pitch[i], roll=motion.roll[i], shift_x=motion.shift_x[i], shift_y=motion.shift_y[i]
        ).astype(np.float64)
        jacobian = np.stack(
            [np.stack(np.gradient(d[..., k], step_y, step_x)[::-1], axis=-1) for k in range(2)], axis=-2
        )  # (gh, gw, 2, 2): d(dx, dy) / d(x, y)
        stretch = np.linalg.norm(jacobian[background], ord=2, axis=(-2, -1)) if background.any() else np.zeros(1)
        shift = max(shift, float(np.linalg.norm(d[background], axis=-1).max()) if background.any() else 0.0)
        bend = max(bend, float(stretch.max()))
    return shift, 100 * bend


def _vivid(pictures: list, strengths: list, audio: Path, phones, workdir: Path) -> list:
    from talkingphoto.job import Job
    from talkingphoto.pipeline import render_job
    from talkingphoto.scene import build_scene

    rows = []
    print(f"{'picture':26s} {'motion':>6s} {'yaw':>5s} {'pitch':>5s} {'roll':>5s} {'moves/min':>9s} {'moving':>6s}"
          f" {'nose std':>8s} {'lip sync':>8s} {'found':>5s} {'bg shift':>8s} {'bg bend':>7s}")  # fmt: skip
    for name in pictures:
        base = None
        for strength in strengths:
            video = workdir / f"{Path(name).stem}_motion{strength:g}.mp4"
            job = Job.single(DATA / "images" / name, video, audio=audio, mode="vivid", motion=strength)
            render_job(job)
            m = _measure(video, phones, fps=job.encode.fps)
            m["bg_shift"], m["bg_bend"] = _background_motion(build_scene(job))
            rows.append({"picture": name, "motion": strength, **m})
            base = m["nose_std"] if strength == 1 else base
            ratio = f" ({m['nose_std'] / base:.1f}x)" if base and strength not in (1, 0) else ""
            print(
                f"{name:26s} {strength:6g} {_f(m['yaw_range'])} {_f(m['pitch_range'])} {_f(m['roll_range'])}"
                f" {_f(m['moves_per_minute'], 9)} {_f(m['moving_fraction'], 6, '.0%')} {_f(m['nose_std'], 8, '.3f')}"
                f" {_f(m['lipsync'], 8, '.3f')} {_f(m['valid_fraction'], 5, '.0%')} {m['bg_shift']:5.1f} px"
                f" {m['bg_bend']:5.1f} %{ratio}"
            )
    return rows


def _f(value, width: int = 5, spec: str = ".1f") -> str:
    return f"{'-':>{width}s}" if value is None or not np.isfinite(value) else f"{value:{width}{spec}}"


def _shoulders(image: np.ndarray) -> np.ndarray:
    """Both shoulders [shape=(2, 2), pixels] found by mediapipe pose."""
    from mediapipe.python.solutions import pose as mp_pose

    from talkingphoto._native import quiet_native_logs

    with quiet_native_logs(), mp_pose.Pose(static_image_mode=True, model_complexity=1) as pose:
        result = pose.process(image)
    if result.pose_landmarks is None:
        raise SystemExit("no shoulders found on the master-mode picture")
    h, w = image.shape[:2]
    marks = result.pose_landmarks.landmark
    return np.array([[marks[i].x * w, marks[i].y * h] for i in (11, 12)])


def _master(strengths: list, audio: Path, workdir: Path) -> None:
    """Breathing, sway and camera figures at 720p, from the stage's own transforms."""
    from talkingphoto.job import Job
    from talkingphoto.media import load_image
    from talkingphoto.render import BodyPose
    from talkingphoto.render._stage import stage_matrices
    from talkingphoto.scene import build_scene

    portrait = load_image(ROOT / "examples" / "portrait.jpg")
    portrait = cv2.resize(portrait, None, fx=720 / portrait.shape[0], fy=720 / portrait.shape[0], interpolation=cv2.INTER_CUBIC)
    canvas = np.full((720, 1280, 3), (70, 90, 120), np.uint8)
    x = (1280 - portrait.shape[1]) // 2
    canvas[:, x : x + portrait.shape[1]] = portrait
    picture = workdir / "master_720.png"
    cv2.imwrite(str(picture), cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
    shoulders = _shoulders(canvas)
    print(f"\nmaster at 1280x720 (shoulders found at y = {shoulders[:, 1].round().astype(int).tolist()})")
    print(f"{'motion':>6s} {'shoulder (head) rise':>20s} {'sway at head':>12s} {'zoom 0-10 s':>11s}"
          f" {'face moves':>13s} {'picture corner moves':>20s}")  # fmt: skip
    for strength in strengths:
        job = Job.single(picture, workdir / "master.mp4", audio=audio, mode="master", motion=strength)
        scene = build_scene(job)
        stage = scene.stage
        a = stage.animator
        anchors = dict(size=a.size, pivot=a.pivot, chest=a.chest, focus=a.focus)
        face = np.array([scene.speaker.box[0] + scene.speaker.box[2] / 2, scene.speaker.box[1] + scene.speaker.box[3] / 2])

        def placed(pose, point):
            person, _ = stage_matrices(pose, **anchors)
            return person[:, :2] @ point + person[:, 2]

        n = min(stage.motion.n_frames, int(10 * scene.fps))
        rise, lift, sway, screen, corner = [], [], [], [], []
        top = np.array([face[0], scene.speaker.box[1]])  # the top of the head
        for i in range(n):
            pose = stage.pose(i)
            still = replace(pose, breath=0.0)
            rise.append(np.mean([placed(still, p)[1] - placed(pose, p)[1] for p in shoulders]))
            lift.append(placed(still, top)[1] - placed(pose, top)[1])
            sway.append(placed(pose, face)[0] - placed(replace(pose, sway=0.0), face)[0])
            screen.append(placed(pose, face))
            # Where the picture's corner (beside the head, background) lands: the camera alone.
            _, background = stage_matrices(pose, **anchors)
            corner.append(background[:, 2].copy())
        screen, corner = np.array(screen), np.array(corner)
        zoom = stage.motion.zoom[:n]
        print(
            f"{strength:6g} {np.ptp(rise):8.1f} px ({np.ptp(lift):4.1f}) {np.ptp(sway):9.1f} px"
            f" {100 * (zoom[-1] / zoom[0] - 1):9.1f} % {np.linalg.norm(screen[-1] - screen[0]):10.1f} px"
            f" {np.linalg.norm(corner[-1] - corner[0]):14.1f} px"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", nargs="+", default=list(STYLES), help="file names in tests/data/images")
    parser.add_argument("--strengths", nargs="+", type=float, default=[0.0, 1.0, 2.0])
    parser.add_argument("--out", type=Path, help="keep the videos here")
    parser.add_argument("--no-master", action="store_true")
    args = parser.parse_args()
    from talkingphoto.voice import align_phones

    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.out or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        audio = workdir / "speech_10s.wav"
        y, transcript = _speech(audio)
        phones = align_phones(y, sr=16000, transcript=transcript)
        print(f"speech: {len(y) / 16000:.1f} s, {len(phones)} phones aligned\n")
        _vivid(args.pictures, args.strengths, audio, phones, workdir)
        if not args.no_master:
            _master(args.strengths, audio, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
