"""Contact sheet of a render's telling frames: widest mouth, lips pressed, blink, head turned,
and in master mode the body and camera (whole frames).

    .venv/bin/python scripts/contact_sheet.py IMAGE AUDIO -o sheet.png [--mode vivid] [--face N] [--points F] [--mouth model|music|signal]
    .venv/bin/python scripts/contact_sheet.py IMAGE AUDIO -o sheet.png --whole --motion 2
    .venv/bin/python scripts/contact_sheet.py IMAGE AUDIO -o eyes.png --eyes
    .venv/bin/python scripts/contact_sheet.py IMAGE AUDIO -o edges.png --edges
    .venv/bin/python scripts/contact_sheet.py IMAGE AUDIO -o lips.png --phones "the words spoken"
    .venv/bin/python scripts/contact_sheet.py IMAGE AUDIO -o handover.png --handover

Renders only the chosen frames (same scene as `talkingphoto render`), crops around the
speaker and labels each tile, so a person can judge mouth interior, teeth, seams and
smearing at a glance. ``--eyes`` instead shows both eyes at 4x (nearest neighbour, every
pixel visible) through the first full blink, beside the still picture: lids, lashes,
catchlights, glasses' rims. ``--whole`` shows whole frames rather than the face (head turns
against the picture's frame), ``--motion`` sets the head motion's strength. ``--edges``
instead shows, at 4x, where a moving head could tear: the hair above it, both sides (ears),
the collar below the chin and the picture's edge nearest the head, each as in the picture,
at the largest turn and at the largest tilt. ``--phones`` instead aligns the transcript
(pocketsphinx) and shows the mouth in every frame of each M/B/P (lips shut?), F/V (lower lip on the teeth?),
rounded sound (OO, OW, W) and open vowel (AA, AE), to judge lip-sync shape by shape.
``--handover`` instead shows the mouth in consecutive frames wherever it leaves the
picture's own mouth for the painted one and comes back (the start of speech, long pauses,
the end), a row each: where a drawn mouth could snap.
"""

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np


def pick_frames(actor, n_frames: int, fps: float) -> list:
    """(label, frame index) pairs that show what the renderer does."""
    mouth, motion = actor.mouth, actor.motion
    picks = [("first frame", 0), ("widest mouth", int(np.argmax(mouth.open)))]
    speaking = mouth.open > 0.05
    if mouth.press.max() > 0.5:
        picks.append(("lips pressed (M/B/P)", int(np.argmax(mouth.press))))
    elif speaking.any():
        idx = np.flatnonzero(speaking)
        inner = idx[(idx > idx[0]) & (idx < idx[-1])]
        if len(inner):
            picks.append(("closed mid-speech", int(inner[np.argmin(mouth.open[inner])])))
    if mouth.fv.max() > 0.3:
        picks.append(("lip on teeth (F/V)", int(np.argmax(mouth.fv))))
    picks.append(("most rounded (OO)", int(np.argmin(mouth.spread + (1 - mouth.open)))))
    picks.append(("most spread (EE)", int(np.argmax(mouth.spread + mouth.open))))
    if motion is not None:
        picks.append(("blink", int(np.argmax(motion.blink))))
        picks.append(("head turned", int(np.argmax(np.abs(motion.yaw)))))
        picks.append(("brows raised", int(np.argmax(motion.brow))))
    quarter = [int(n_frames * q) for q in (0.25, 0.5, 0.75)]
    picks += [(f"t={i / fps:.1f}s", i) for i in quarter]
    return picks[:12]


def pick_stage_frames(stage) -> list:
    """(label, frame index) pairs that show master mode's body and camera; with several
    characters, the first one's body and each other one breathed in."""
    body = stage.bodies[0] if stage.bodies else stage.motion
    picks = [
        ("leaning in (emphasis)", int(np.argmax(body.lean))),
        ("breathed in", int(np.argmax(body.breath))),
        ("swayed left", int(np.argmin(body.sway))),
        ("swayed right", int(np.argmax(body.sway))),
    ]
    for k, other in enumerate(stage.bodies[1:], start=1):
        picks.append((f"figure {k} breathed in", int(np.argmax(other.breath - body.breath))))
    return picks


def sheet(scene, *, tile_height: int = 320, columns: int = 4, whole: bool = False) -> np.ndarray:
    from talkingphoto.pipeline import frame_at

    speaker = scene.actors[0]
    h, w = scene.image.shape[:2]
    picks = pick_frames(speaker, scene.n_frames, scene.fps)
    if scene.stage is None and whole:
        x0, y0, x1, y1 = 0, 0, w, h
        motion = speaker.motion
        if motion is not None:  # the head's extremes, instead of some of the mouth's
            head = [("turned left", int(np.argmin(motion.yaw))), ("turned right", int(np.argmax(motion.yaw)))]
            head += [("tilted", int(np.argmax(np.abs(motion.roll)))), ("nodding", int(np.argmax(motion.pitch)))]
            picks = picks[:2] + head + picks[-6:]
    elif scene.stage is None:
        x0, y0, x1, y1 = speaker.animator.rig.roi
        pad_x, pad_y = (x1 - x0) // 6, (y1 - y0) // 6
        x0, y0, x1, y1 = max(0, x0 - pad_x), max(0, y0 - pad_y), min(w, x1 + pad_x), min(h, y1 + pad_y)
    else:
        # The camera and body move the whole picture: show all of it.
        x0, y0, x1, y1 = 0, 0, w, h
        picks = picks[:6] + pick_stage_frames(scene.stage) + [("last frame", scene.n_frames - 1)]
    tiles = []
    for label, index in picks:
        crop = frame_at(scene, index)[y0:y1, x0:x1]
        scale = tile_height / crop.shape[0]
        tile = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        text = f"{label} #{index}"
        cv2.putText(tile, text, (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(tile, text, (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 1, cv2.LINE_AA)
        tiles.append(tile)
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)]
    return np.vstack(rows)


def eye_sheet(scene, *, zoom: int = 4) -> np.ndarray:
    """Rows of 4x eye crops: the picture, then frames through the first full blink."""
    from talkingphoto.characters import topology as topo
    from talkingphoto.pipeline import frame_at

    speaker = scene.actors[0]
    blink = speaker.motion.blink
    peak = int(np.argmax(blink))
    start = peak
    while start > 0 and blink[start - 1] > 0.01:
        start -= 1
    end = peak
    while end < len(blink) - 1 and blink[end + 1] > 0.01:
        end += 1
    picks = [("picture", None), (f"open #{max(0, start - 3)}", max(0, start - 3))]
    picks += [(f"blink {blink[i]:.2f} #{i}", i) for i in range(start, end + 1)][:8]
    lm = scene.speaker.landmarks[:, :2]
    eyes = lm[np.r_[topo.EYES_ALL, topo.BROWS]]
    (x0, y0), (x1, y1) = eyes.min(0), eyes.max(0)
    pad = 0.25 * (x1 - x0)
    h, w = scene.image.shape[:2]
    x0, y0 = int(max(0, x0 - pad)), int(max(0, y0 - 1.5 * pad))
    x1, y1 = int(min(w, x1 + pad)), int(min(h, y1 + 2 * pad))
    rows = []
    for label, index in picks:
        frame = scene.image if index is None else frame_at(scene, index)
        crop = cv2.resize(frame[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_NEAREST)
        cv2.putText(crop, label, (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(crop, label, (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 1, cv2.LINE_AA)
        rows.append(crop)
    return np.vstack(rows)


def edge_sheet(scene, *, tile: int = 240) -> np.ndarray:
    """Rows of crops where a moving head could tear (hair, both sides, collar, the
    picture's nearest edge), magnified at least 4x (nearest neighbour) to ``tile`` pixels:
    the picture, the largest turn, the largest tilt."""
    from talkingphoto.characters import topology as topo
    from talkingphoto.pipeline import frame_at

    speaker = scene.actors[0]
    motion = speaker.motion
    turn, tilt = int(np.argmax(np.abs(motion.yaw))), int(np.argmax(np.abs(motion.roll)))
    frames = [("picture", scene.image), (f"yaw {motion.yaw[turn]:+.1f} #{turn}", frame_at(scene, turn))]
    frames.append((f"roll {motion.roll[tilt]:+.1f} #{tilt}", frame_at(scene, tilt)))
    lm = scene.speaker.landmarks[:, :2]
    oval = lm[topo.FACE_OVAL]
    (ox0, oy0), (ox1, oy1) = oval.min(0), oval.max(0)
    fw, fh = ox1 - ox0, oy1 - oy0
    eye_y = lm[np.r_[topo.EYES_ALL]][:, 1].mean()
    side = int(max(48, 0.35 * fw))
    zoom = max(4, tile // side)
    h, w = scene.image.shape[:2]
    spots = {
        "hair": ((ox0 + ox1) / 2, oy0 - 0.25 * fh),
        "left side": (ox0 - 0.1 * fw, eye_y),
        "right side": (ox1 + 0.1 * fw, eye_y),
        "collar": (lm[topo.CHIN, 0], oy1 + 0.35 * fh),
    }
    hx0, hy0, hx1, hy1 = speaker.animator.head.roi
    gaps = {"left": hx0, "top": hy0, "right": w - hx1, "bottom": h - hy1}
    nearest = min(gaps, key=gaps.get)
    centre = ((hx0 + hx1) / 2, (hy0 + hy1) / 2)
    spots[f"{nearest} edge"] = {
        "left": (side / 2, eye_y), "right": (w - side / 2, eye_y),
        "top": (centre[0], side / 2), "bottom": (centre[0], h - side / 2),
    }[nearest]  # fmt: skip
    rows = []
    for name, (cx, cy) in spots.items():
        x0 = int(np.clip(cx - side / 2, 0, w - side))
        y0 = int(np.clip(cy - side / 2, 0, h - side))
        tiles = []
        for label, frame in frames:
            crop = cv2.resize(frame[y0 : y0 + side, x0 : x0 + side], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_NEAREST)
            caption = np.zeros((26, crop.shape[1], 3), np.uint8)  # above the crop, hiding none of it
            cv2.putText(caption, f"{name}: {label}", (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
            tiles.append(np.vstack([caption, crop]))
        rows.append(np.hstack(tiles))
    return np.vstack(rows)
# Phones the --phones strip shows, and what to look for.
STRIP_PHONES = {"M": "shut", "B": "shut", "P": "shut", "F": "lip-teeth", "V": "lip-teeth", "UW": "round",
                "OW": "round", "W": "round", "AA": "open", "AE": "open"}  # fmt: skip


def _mouth_box(scene) -> tuple:
    """(x0, y0, x1, y1) around the speaker's lips, with room for the widest opening."""
    from talkingphoto.characters import topology as topo

    lips = scene.speaker.landmarks[topo.LIPS_ALL, :2]
    (x0, y0), (x1, y1) = lips.min(0), lips.max(0)
    cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, 0.8 * (x1 - x0)
    h, w = scene.image.shape[:2]
    return int(max(0, cx - half)), int(max(0, cy - 0.75 * half)), int(min(w, cx + half)), int(min(h, cy + 0.75 * half))


def _mouth_tile(scene, index: int, text: str, *, tile_width: int) -> np.ndarray:
    """Frame ``index``'s mouth, ``tile_width`` wide, labelled."""
    from talkingphoto.pipeline import frame_at

    x0, y0, x1, y1 = _mouth_box(scene)
    crop = frame_at(scene, index)[y0:y1, x0:x1]
    tile = cv2.resize(crop, (tile_width, int(tile_width * crop.shape[0] / crop.shape[1])), interpolation=cv2.INTER_CUBIC)
    cv2.putText(tile, text, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(tile, text, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    return tile


def handover_sheet(scene, *, tile_width: int = 200, before: int = 2, after: int = 4) -> np.ndarray:
    """Rows of consecutive mouth crops around every frame where the speaker's mouth leaves
    the picture's own (its rest weight falls from 1) or comes back to it (rises to 1)."""
    rest = scene.actors[0].shapes.rest
    at_rest = rest >= 0.999
    changes = np.flatnonzero(at_rest[1:] != at_rest[:-1]) + 1
    if not len(changes):
        raise SystemExit("the mouth never leaves the picture's own (no speech?)")
    rows = []
    for change in changes:
        frames = range(max(0, change - before), min(scene.n_frames, change + after))
        row = [_mouth_tile(scene, i, f"#{i} rest {rest[i]:.2f}", tile_width=tile_width) for i in frames]
        row += [np.zeros_like(row[0])] * (before + after - len(row))
        rows.append(np.hstack(row))
    return np.vstack(rows)


def phone_sheet(scene, y, sr: int, transcript: str, *, tile_width: int = 200, columns: int = 8) -> np.ndarray:
    """Mouth crops of every video frame over the chosen phones of the aligned transcript."""
    from talkingphoto.voice import align_phones

    tiles = []
    for phone in align_phones(y, sr=sr, transcript=transcript):
        label = phone.label.upper().rstrip("012")
        if label not in STRIP_PHONES:
            continue
        first = int(np.floor(phone.start * scene.fps))
        last = min(max(first, int(np.ceil(phone.end * scene.fps)) - 1), scene.n_frames - 1)
        for index in range(first, last + 1):
            tiles.append(_mouth_tile(scene, index, f"{label} ({STRIP_PHONES[label]}) #{index}", tile_width=tile_width))
    if not tiles:
        raise SystemExit("none of the shown phones (M B P F V UW OW W AA AE) in the transcript")
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    return np.vstack([np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)])


def main() -> int:
    from talkingphoto.errors import TalkingPhotoError
    from talkingphoto.job import Job
    from talkingphoto.scene import build_scene

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=Path)
    parser.add_argument("audio", type=Path, nargs="?")
    parser.add_argument("-o", "--output", type=Path, required=True, help="PNG to write")
    parser.add_argument("--mode", default="vivid")
    parser.add_argument("--face", type=int)
    parser.add_argument("--points")
    parser.add_argument("--text")
    parser.add_argument("--voice")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--motion", type=float, default=1.0, help="head motion strength, 0..2")
    parser.add_argument("--whole", action="store_true", help="whole frames, with the head's extremes")
    parser.add_argument("--eyes", action="store_true", help="4x eye crops through a blink instead")
    parser.add_argument("--edges", action="store_true", help="4x crops of hair, sides, collar and edge instead")
    parser.add_argument("--mouth", default="auto", help="auto (default, as a render), model, music or signal")
    parser.add_argument("--phones", metavar="TRANSCRIPT", help="mouth crops over the words' M/B/P, F/V, OO and AA")
    parser.add_argument("--handover", action="store_true", help="mouth crops where it leaves the picture's own and returns")
    args = parser.parse_args()
    try:
        job = Job.single(
            args.image,
            args.output.with_suffix(".mp4"),
            audio=args.audio,
            text=args.text,
            mode=args.mode,
            face=args.face,
            points=args.points,
            voice=args.voice,
            seed=args.seed,
            mouth=args.mouth,
            motion=args.motion,
        )
        scene = build_scene(job)
    except TalkingPhotoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.phones:
        from talkingphoto.media import load_audio

        y, sr = load_audio(args.audio, sr=16000, mono=True)
        picture = phone_sheet(scene, y, sr, args.phones)
    elif args.handover:
        picture = handover_sheet(scene)
    elif args.eyes:
        picture = eye_sheet(scene)
    elif args.edges:
        picture = edge_sheet(scene)
    else:
        picture = sheet(scene, whole=args.whole)
    cv2.imwrite(str(args.output), cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    print(f"wrote {args.output} ({picture.shape[1]}x{picture.shape[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
