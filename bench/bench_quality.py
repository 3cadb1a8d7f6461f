"""Picture quality of renders: fine detail kept in the eyes, and what the encoder keeps.

    .venv/bin/python bench/bench_quality.py detail [--modes vivid master]
    .venv/bin/python bench/bench_quality.py encode [--crf 14 16 18 20 23]

``detail``: Laplacian variance in boxes around the speaker's eyes (lids, lashes, iris,
catchlights), in frames with the eyes open, over the same boxes of the still picture. The
frames are the renderer's (before encoding) and, in brackets, the decoded MP4's; 1.0 means
as sharp as the photo. In master mode also against the picture seen through each frame's
body and camera (its push-in magnifies the eyes, which alone lowers the measure).
Pictures: the bundled portrait (a photo) and the painted Wesnoth mage.

``encode``: the portrait rendered in standard mode for each CRF, decoded, and compared with
the picture where nothing moves (everything outside the animated region): PSNR over RGB
and over luma, the video bitrate in kb/s, and the frame loop's speed. The first row is the
colour conversion alone (RGB -> I420 -> RGB, no encoder): the ceiling any CRF can reach.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PICTURES = {
    "portrait": ROOT / "examples" / "portrait.jpg",
    "mage": ROOT / "tests" / "data" / "images" / "wesnoth_mage_female.png",
}
SPEECH = ROOT / "examples" / "speech.wav"


def _scene(image: Path, out: Path, **options):
    from talkingphoto.job import Job
    from talkingphoto.scene import build_scene

    return build_scene(Job.single(image, out, audio=SPEECH, **options))


def eye_boxes(face, *, pad: float = 0.35) -> list:
    """(x0, y0, x1, y1) around each eye's outline, padded by ``pad`` eye widths."""
    from talkingphoto.characters import topology as topo

    boxes = []
    for ids in (topo.RIGHT_EYE, topo.LEFT_EYE):
        pts = face.landmarks[ids, :2]
        (x0, y0), (x1, y1) = pts.min(0), pts.max(0)
        m = pad * (x1 - x0)
        boxes.append((int(x0 - m), int(y0 - m), int(np.ceil(x1 + m)), int(np.ceil(y1 + m))))
    return boxes


def detail(image: np.ndarray, box: tuple) -> float:
    """Laplacian variance of the grey ``box`` of ``image`` [uint8 RGB]."""
    x0, y0, x1, y1 = box
    grey = cv2.cvtColor(np.ascontiguousarray(image[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_32F).var())


def _person_matrix(scene, i: int):
    """Master mode's 2x3 body and camera matrix of frame ``i`` (None in other modes)."""
    if scene.stage is None:
        return None
    from talkingphoto.render import stage_matrices

    animator = scene.stage.animator
    person, _ = stage_matrices(
        scene.stage.pose(i), size=animator.size, pivot=animator.pivot, chest=animator.chest, focus=animator.focus
    )
    return person


def _moved_box(matrix, box: tuple) -> tuple:
    """``box`` where the 2x3 ``matrix`` (body and camera) carries it."""
    if matrix is None:
        return box
    x0, y0, x1, y1 = box
    centre = matrix[:, :2] @ [(x0 + x1) / 2, (y0 + y1) / 2] + matrix[:, 2]
    half = np.array([x1 - x0, y1 - y0]) / 2
    (nx0, ny0), (nx1, ny1) = np.round(centre - half).astype(int), np.round(centre + half).astype(int)
    return (nx0, ny0, nx1, ny1)


def eye_detail_ratio(scene, frames: dict, *, camera: bool = False) -> float:
    """Mean over ``frames`` {index: RGB frame} and both eyes of detail(frame) / detail(picture).

    With ``camera``, each frame is compared with the picture seen through that frame's body
    and camera (one Lanczos resampling): a push-in magnifies the eyes, which alone lowers
    their Laplacian variance, and this leaves that out to show what the renderer loses.
    """
    boxes = eye_boxes(scene.speaker)
    ratios = []
    for i, frame in frames.items():
        matrix = _person_matrix(scene, i)
        through_camera = camera and matrix is not None
        reference = scene.image
        if through_camera:
            h, w = scene.image.shape[:2]
            reference = cv2.warpAffine(scene.image, matrix, (w, h), flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REPLICATE)
        for box in boxes:
            moved = _moved_box(matrix, box)
            ratios.append(detail(frame, moved) / detail(reference, moved if through_camera else box))
    return float(np.mean(ratios))


def open_eye_frames(scene, n: int = 16) -> list:
    """Up to ``n`` evenly spread frame indices with the speaker's eyes open."""
    motion = scene.actors[0].motion
    candidates = np.arange(scene.n_frames) if motion is None else np.flatnonzero(motion.blink < 0.05)
    return [int(i) for i in candidates[np.linspace(0, len(candidates) - 1, min(n, len(candidates))).astype(int)]]


def decode(path: Path) -> list:
    """Every frame of the MP4 as RGB uint8 (BT.709 tv range), its chroma interpolated as a
    player does: swscale's default would repeat each chroma sample and cost ~5 dB here."""
    from av.video.reformatter import Interpolation, VideoReformatter

    flags = Interpolation.BILINEAR | Interpolation.ACCURATE_RND | Interpolation.FULL_CHR_H_INT
    reformatter = VideoReformatter()
    options = dict(format="rgb24", src_colorspace="ITU709", dst_colorspace="ITU709", src_color_range="MPEG")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [
            reformatter.reformat(frame, **options, dst_color_range="JPEG", interpolation=flags).to_ndarray()
            for frame in container.decode(stream)
        ]


def video_kbps(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        size = sum(packet.size for packet in container.demux(stream) if packet.size)
        seconds = float(stream.frames / stream.average_rate)
    return 8 * size / seconds / 1000


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))
    return 10 * np.log10(255**2 / max(mse, 1e-10))


def run_detail(modes: list) -> None:
    from talkingphoto.job import EncodeOptions
    from talkingphoto.pipeline import encode_scene, frame_at

    for name, image in PICTURES.items():
        for mode in modes:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "out.mp4"
                scene = _scene(image, out, mode=mode)
                picks = open_eye_frames(scene)
                rendered = eye_detail_ratio(scene, {i: frame_at(scene, i) for i in picks})
                defaults = EncodeOptions()
                encode_scene(scene, out, crf=defaults.crf, preset=defaults.preset)
                decoded = decode(out)
                encoded = eye_detail_ratio(scene, {i: decoded[i] for i in picks})
                line = f"{name:<9} {mode:<8} eye detail {rendered:.2f} of the picture ({encoded:.2f} after encoding)"
                if scene.stage is not None:
                    matched = eye_detail_ratio(scene, {i: frame_at(scene, i) for i in picks}, camera=True)
                    line += f", {matched:.2f} of the picture seen through the same camera"
            print(line, flush=True)


def static_mask(scene, *, margin: int = 8) -> np.ndarray:
    """True where no actor can change the picture (outside every animated region)."""
    mask = np.ones(scene.image.shape[:2], bool)
    for actor in scene.actors:
        x0, y0, x1, y1 = actor.animator.region
        mask[max(0, y0 - margin) : y1 + margin, max(0, x0 - margin) : x1 + margin] = False
    return mask


def run_encode(crfs: list, preset: str) -> None:
    from talkingphoto.media import i420_to_rgb, rgb_to_i420
    from talkingphoto.pipeline import encode_scene

    for name, image in PICTURES.items():
        with tempfile.TemporaryDirectory() as tmp:
            scene = _scene(image, Path(tmp) / "out.mp4", mode="standard")
            mask = static_mask(scene)
            source = scene.image[mask]
            h, w = scene.image.shape[:2]
            y_source = cv2.cvtColor(scene.image, cv2.COLOR_RGB2GRAY)[mask]
            roundtrip = i420_to_rgb(rgb_to_i420(scene.image))
            print(f"{name} {w}x{h}, {scene.n_frames} frames, static part {mask.mean():.0%} of the picture, preset {preset}")
            print("   CRF   kb/s  PSNR RGB  PSNR luma  eye detail  frames/s")
            y_round = cv2.cvtColor(roundtrip, cv2.COLOR_RGB2GRAY)[mask]
            eyes = eye_detail_ratio(scene, {0: roundtrip})
            print(f"  conversion only  {psnr(roundtrip[mask], source):8.2f}  {psnr(y_round, y_source):9.2f}  {eyes:10.2f}")
            for crf in crfs:
                out = Path(tmp) / f"crf{crf}.mp4"
                start = time.perf_counter()
                encode_scene(scene, out, crf=crf, preset=preset)
                fps = scene.n_frames / (time.perf_counter() - start)
                frames = decode(out)
                rgb = float(np.mean([psnr(f[mask], source) for f in frames]))
                luma = float(np.mean([psnr(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY)[mask], y_source) for f in frames]))
                # Standard mode leaves the eyes still: what they lose here is the encoder's.
                eyes = eye_detail_ratio(scene, dict(enumerate(frames[::10])))
                print(f"  {crf:4d}  {video_kbps(out):6.0f}  {rgb:8.2f}  {luma:9.2f}  {eyes:10.2f}  {fps:8.0f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("detail")
    d.add_argument("--modes", nargs="+", default=["vivid", "master"])
    e = sub.add_parser("encode")
    e.add_argument("--crf", nargs="+", type=int, default=[14, 16, 18, 20, 23])
    e.add_argument("--preset", default="veryfast")
    args = parser.parse_args()
    if args.what == "detail":
        run_detail(args.modes)
    else:
        run_encode(args.crf, args.preset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
