"""What each expression does to a face, measured on the rendered video, and its lip sync.

    .venv/bin/python bench/bench_expressions.py [--mode vivid] [--pictures a.png b.jpg] [--sheet sheet.jpg]

Renders every picture (default: the photos grace_hopper, whose glasses sit on her brows, and
astronaut, the painted wesnoth mage and the anime sprite sylvie_green_normal from
tests/data/images) saying a LibriVox line after
0.6 s of silence, once per expression, finds the face again in every encoded frame
(face mesh, tracking inside a fixed window around the face the renderer's finder
locates on the first frame) and prints, per expression, medians over the frames in
units of the distance between the eyes (eye corners' midpoints), as changes against
``neutral`` (+ = higher, wider):

- corners: height of the mouth corners (61, 291) above the middle of the mouth (13, 14);
- brows: height of the brows (both edges, 10 points a side) above the eyes' corners;
- eyes: the lids' gap in the middle of each eye (159-145, 386-374);

and the lip sync of each render (the project's evaluation: correlation at lag 0 between
the re-detected opening and the phones' expected one, best lag, M/B/P closures).
Targets: corners at least 0.04 higher in happy than in sad; brows at least 0.03
higher in surprised than in neutral; lip sync no lower than neutral's.

``--sheet`` writes a contact sheet (JPEG): per picture a row of every expression at rest
(in the silence) and a row of them at the frame where neutral's mouth is widest, cropped
to the face.
"""

import argparse
import sys
import tempfile
import wave
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
LINE = "sense_and_sensibility_01_austen_64kb-0870.wav"
TRANSCRIPT = (
    "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"
)
LEAD = 0.6  # seconds of silence before the line: the face at rest
PICTURES = ("grace_hopper.jpg", "astronaut.jpg", "wesnoth_mage_female.png", "sylvie_green_normal.png")
WINDOW = 256  # the mesh tracks the face inside a square resized to this side


def _speech(path: Path) -> None:
    """Silence, then the read line: 16 kHz mono WAV."""
    from talkingphoto.media import load_audio

    sr = 16000
    y = np.concatenate([np.zeros(int(LEAD * sr), np.float32), load_audio(DATA / "audio" / LINE, sr=sr, mono=True)[0]])
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sr)
        wav.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())


def _frames(video: Path) -> list:
    import av

    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def _windows(frame: np.ndarray) -> tuple:
    """Around the largest face the renderer's finder sees: a square (x0, y0, x1, y1) for
    the mesh to track it in, and a tighter box for the contact sheet."""
    from talkingphoto.characters import find_faces

    h, w = frame.shape[:2]
    x, y, bw, bh = max(find_faces(frame), key=lambda f: f.box[2] * f.box[3]).box
    side = int(min(2.5 * max(bw, bh), w, h))
    x0 = int(np.clip(x + bw / 2 - side / 2, 0, w - side))
    y0 = int(np.clip(y + bh / 2 - side / 2, 0, h - side))
    crop = (max(0, x - 0.3 * bw), max(0, y - 0.35 * bh), min(w, x + 1.3 * bw), min(h, y + 1.15 * bh))
    return (x0, y0, x0 + side, y0 + side), tuple(int(v) for v in crop)


def _landmarks(frames: list, window: tuple) -> np.ndarray:
    """Face mesh points of every frame [shape=(n, 478, 2), window pixels]; NaN where missed."""
    from mediapipe.python.solutions import face_mesh

    x0, y0, x1, y1 = window
    out = np.full((len(frames), 478, 2), np.nan)
    with face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True) as mesh:
        for i, frame in enumerate(frames):
            view = cv2.resize(frame[y0:y1, x0:x1], (WINDOW, WINDOW), interpolation=cv2.INTER_AREA)
            found = mesh.process(view).multi_face_landmarks
            if found:
                out[i] = [(p.x * WINDOW, p.y * WINDOW) for p in found[0].landmark]
    return out


def face_figures(points: np.ndarray) -> dict:
    """Median corner height, brow height and eye opening over the frames, in eye distances.

    Parameters
    ----------
    points : np.ndarray [shape=(n, 478, 2)]
        Face mesh points per frame (NaN where the face was missed).
    """
    from talkingphoto.characters import topology as topo

    right_eye = points[:, [33, 133]].mean(1)
    left_eye = points[:, [362, 263]].mean(1)
    across = left_eye - right_eye
    iod = np.linalg.norm(across, axis=1)
    across = across / iod[:, None]
    up = np.stack([across[:, 1], -across[:, 0]], 1)  # image y points down

    def height(a, b):
        return np.einsum("ij,ij->i", a - b, up) / iod

    mouth = points[:, [13, 14]].mean(1)
    corners = points[:, [topo.MOUTH_CORNER_RIGHT, topo.MOUTH_CORNER_LEFT]].mean(1)
    brows = points[:, list(topo.BROWS)].mean(1)
    eyes = (right_eye + left_eye) / 2
    gap = (height(points[:, 159], points[:, 145]) + height(points[:, 386], points[:, 374])) / 2
    figures = {"corners": height(corners, mouth), "brows": height(brows, eyes), "eyes": gap}
    return {name: float(np.nanmedian(values)) for name, values in figures.items()}


def lipsync(video: Path, audio: Path):
    """The project's lip-sync report of ``video`` speaking the line in ``audio``."""
    from talkingphoto.evaluation import lipsync_report, measure_video_openness, reference_openness
    from talkingphoto.media import load_audio
    from talkingphoto.voice import align_phones

    y, sr = load_audio(audio, sr=16000, mono=True)
    phones = align_phones(y, sr=sr, transcript=TRANSCRIPT)
    openness = measure_video_openness(video)
    return lipsync_report(openness, reference_openness(phones, fps=25.0, n_frames=len(openness)), phones, fps=25.0)


def _tiles(images: list, box: tuple, labels: list, *, height: int) -> np.ndarray:
    x0, y0, x1, y1 = box
    tiles = []
    for frame, label in zip(images, labels):
        crop = frame[y0:y1, x0:x1]
        tile = cv2.resize(crop, (int(height * crop.shape[1] / crop.shape[0]), height), interpolation=cv2.INTER_AREA)
        cv2.putText(tile, label, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(tile, label, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (255, 255, 255), 1, cv2.LINE_AA)
        tiles.append(tile)
    return np.hstack(tiles)


def main() -> int:
    from talkingphoto.motion import EXPRESSIONS
    from talkingphoto.pipeline import render

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="vivid")
    parser.add_argument("--pictures", nargs="+", type=Path, help="default: " + ", ".join(PICTURES))
    parser.add_argument("--sheet", type=Path, help="write a contact sheet of every expression here (JPEG)")
    parser.add_argument("--tile", type=int, default=140, help="height of the sheet's tiles in pixels")
    args = parser.parse_args()
    pictures = args.pictures or [DATA / "images" / name for name in PICTURES]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "speech.wav"
        _speech(audio)
        for picture in pictures:
            print(f"\n{picture.name} ({args.mode}): change against neutral, in eye distances")
            print(f"{'expression':<10} {'corners':>8} {'brows':>7} {'eyes':>7}   {'r lag 0':>7} {'best lag':>8} {'M/B/P':>6}")
            base, videos, windows, talking = None, {}, None, 0
            for name in EXPRESSIONS:
                video = Path(tmp) / f"{picture.stem}_{name}.mp4"
                render(picture, audio, video, mode=args.mode, expression=name)
                frames = _frames(video)
                windows = windows or _windows(frames[0])
                points = _landmarks(frames, windows[0])
                figures = face_figures(points)
                if base is None:  # neutral: also the frame where its mouth is widest
                    base = figures
                    talking = int(np.argmax(np.nan_to_num(np.linalg.norm(points[:, 14] - points[:, 13], axis=1))))
                report = lipsync(video, audio)
                change = {k: figures[k] - base[k] for k in figures}
                print(
                    f"{name:<10} {change['corners']:>+8.3f} {change['brows']:>+7.3f} {change['eyes']:>+7.3f}   "
                    f"{report.correlation:>7.3f} {report.best_lag:>+8d} {report.closure_rate:>6.0%}",
                    flush=True,
                )
                videos[name] = frames
            if args.sheet:
                rest = int(LEAD * 25 / 2)
                rows.append(_tiles([v[rest] for v in videos.values()], windows[1], list(videos), height=args.tile))
                rows.append(_tiles([v[talking] for v in videos.values()], windows[1], ["talking"] * len(videos), height=args.tile))
    if args.sheet:
        width = max(r.shape[1] for r in rows)
        sheet = np.vstack([np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])
        cv2.imwrite(str(args.sheet), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 80])
        print(f"\nsheet: {args.sheet} ({sheet.shape[1]}x{sheet.shape[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
