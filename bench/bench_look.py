"""How renders look, in figures and zoomed contact sheets: eye detail, mouth easing, tooth colour.

    .venv/bin/python bench/bench_look.py [--out look/] [--mode vivid] [--pictures a.png b.jpg]

Renders a short clip of every face picture in tests/data/images (the cat needs clicked
points and is left out) speaking real speech with pauses: silence, a LibriVox line, a
pause, a command phrase (tests/data/audio), and prints per video:

- eye detail: Laplacian variance of the grey picture in both eye boxes, rendered over
  source, averaged over the frames whose eyes are open (1 = as sharp as the picture);
- lid stroke (big drawn eyes, whose lids are painted): the share of the still-open eye's
  pixels (inside the painted lids' reach at a shut eye, not under them yet) that the lids
  make darker than the picture by more than 25 L*, the eyes posed alone at each blink of
  the clip between 0 and 0.5: a lash stroke over the open eye, grey while the lid fades in;
- ghost lash (big drawn eyes): how dark the drawn upper lash line still shows under the
  closing lid, more than a stroke above its edge, at blinks 0.1-0.3 (0 skin .. 1 the ink as
  drawn; a lid faded in evenly let it show through, a second, lighter lash line);
- iris at shut (big drawn eyes): pixels of the eyes' colours still showing at blinks
  0.9-0.99 that the shut eye does not show (a hairline of iris under the shut line);
- shut lid edge (big drawn eyes): delta E across the edge of what the lids paint at blink
  1, between each changed pixel within 3 of unchanged ones and the nearest unchanged lit
  one, away from the shut line's stroke; mean and 95th percentile (a flat lid in an eye's
  shading is a pale patch with edges);
- half-closed lid edge (big drawn eyes): delta E across the edge of what the closing upper
  lids paint at blinks 0.3-0.7, measured as the shut lid edge is, above the lids' edges only
  (below lies the still-open eye); mean and 95th percentile (a lid paler than the shading
  around it, or the drawn eye's inked sides left standing beside it);
- hair cut (big drawn eyes): the share of the hair over the eyes (not skin, joined to the
  bangs above, clear of the drawn eye, and strands of the hair's hue across the eye) that
  the lids change at blinks 0.3, 0.6 and 1;
- ink above the shut line (big drawn eyes): ink pixels left more than a stroke and a half
  above the shut line at blink 1, near the eye and not hair (the drawn lash line's ends);
- ink above the closing lid (big drawn eyes): as ink above the shut line, at blinks 0.4-0.9,
  above the closing lid's edge carried on level past where it still lies on the eye's
  outline (the drawn lash line's remains as specks in the lid); the largest;
- squashed shut lid edge (photos, renders, paintings): delta E across the edge of what a
  shut blink changes, measured as the shut lid edge is, away from the shut line's lash
  stroke (a closed lid in one colour read as a paler or darker oval with an outline);
- blink spill: the pixels a shut blink (blink 1 against 0, the eyes posed alone) changes by
  more than 10 levels further out than a quarter of the wider eye's width from the eyes' fitted
  outlines, in eye areas (the outlines' own): lids reach no further than the eye, so ~0; a
  painted lid grown out over the background beside a face showed as a skin-coloured blob;
- grin teeth (drawn grins): delta E between the drawn grin's teeth and the painted grin's
  in the frame that takes over from it, cell by cell over each's opening (flat teeth where
  the artist shaded them: a change of look);
- mouth steps: the 99th percentile of the frame-to-frame change of the rendered inner-lip
  gap (mid-mouth, from the posed mesh), over the gap's range in the clip (target < 0.5:
  wide open to shut takes at least two frames), its largest, and its largest outside the
  lips' closures (M/B/P, which may shut in one frame as real lips do);
- tooth jumps: between consecutive frames with the mouth open, the distance (CIE76
  delta E, in Lab) between the mean colours of the tooth-coloured pixels inside the
  opening (bright: L* > 55, not saturated: chroma < 30); median and 95th percentile.
  Under ~3 is not visible at speech rate; the old painted-block teeth jumped by 10-20;
- frame 0: the largest pixel difference between the picture and frame 0's mouth pose
  (eyes and head left at rest): 0 when the face starts on the picture's own mouth;
- handover: the share of the mouth box's pixels that change by more than 40 (of 255, in
  any channel) from one frame to the next, at its largest where the face leaves or comes
  back to the picture's own mouth (rest between 0 and 1), and its 95th percentile while
  speaking: a handover in one frame (the old drawn mouths') stands out above speech;
- read-back: the mouth posed at open 0, 0.1 .. 1 (spread 0, then +0.6 and -0.6), encoded
  and measured by the lip-sync evaluation (face mesh's inner-lip gap / mouth width): how
  well the opening a viewer's eye (and the evaluation) reads follows the control. Printed:
  the correlation of read-back with the control over all levels and spreads, and the
  smallest rise from one level to the next between 0.1 and 0.7 (a flat stretch there is
  speech the evaluation cannot see).

and writes to the output folder, per picture, ``NAME_mouth.png`` (the mouth at 4x over a
run of consecutive frames, from a pause into speech), ``NAME_eyes.png`` (the eyes at 4x
through the first blink) and ``NAME_open.png`` (the mouth at 4x at each read-back level,
one row per spread).
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
SKIP = {"chelsea.png"}  # a cat: rigged from clicked points, not found by the detectors
ZOOM = 4


def _speech(path: Path) -> None:
    """Silence, a read line, a pause, a command phrase, silence: 16 kHz mono WAV."""
    from talkingphoto.media import load_audio

    sr = 16000
    parts = [np.zeros(int(0.6 * sr), np.float32)]
    parts.append(load_audio(DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav", sr=sr, mono=True)[0])
    parts.append(np.zeros(int(0.8 * sr), np.float32))
    parts.append(load_audio(DATA / "audio" / "goforward.wav", sr=sr, mono=True)[0])
    parts.append(np.zeros(int(0.4 * sr), np.float32))
    y = np.concatenate(parts)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sr)
        wav.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())


def _box(points: np.ndarray, pad: float, shape) -> tuple:
    x0, y0 = points.min(0) - pad
    x1, y1 = points.max(0) + pad
    h, w = shape[:2]
    return int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1))


def _sharpness(image: np.ndarray, box) -> float:
    x0, y0, x1, y1 = box
    grey = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def _tooth_colour(frame: np.ndarray, opening: np.ndarray):
    """Mean Lab colour of the tooth-coloured pixels inside ``opening``, or None."""
    mask = np.zeros(frame.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(opening).astype(np.int32)], 1)
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8))
    if mask.sum() < 12:
        return None
    lab = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB).astype(np.float32)[mask > 0]
    lab = np.stack([lab[:, 0] * 100 / 255, lab[:, 1] - 128, lab[:, 2] - 128], 1)
    teeth = lab[(lab[:, 0] > 55) & (np.hypot(lab[:, 1], lab[:, 2]) < 30)]
    return teeth.mean(0) if len(teeth) >= 6 else None


def _strip(frames: list, box, labels: list, *, columns: int = 8) -> np.ndarray:
    x0, y0, x1, y1 = box
    tiles = []
    for frame, label in zip(frames, labels):
        tile = cv2.resize(frame[y0:y1, x0:x1], None, fx=ZOOM, fy=ZOOM, interpolation=cv2.INTER_NEAREST)
        cv2.putText(tile, label, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(tile, label, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
        tiles.append(tile)
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    return np.vstack([np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)])


LEVELS = np.round(np.arange(0.0, 1.01, 0.1), 2)
SPREADS = (0.0, 0.6, -0.6)
HOLD = 4  # frames per level: the evaluation's face mesh tracks, so it is given time to settle


def read_back(scene, animator, box, out: Path) -> tuple:
    """Per spread, the evaluation's reading of the mouth posed at each of LEVELS; writes
    ``out`` (a strip of the posed mouths, 4x)."""
    from talkingphoto.evaluation import measure_video_openness
    from talkingphoto.media import VideoWriter
    from talkingphoto.render import Pose

    height, width = scene.image.shape[:2]
    video = out.with_suffix(".mp4")
    tiles = []
    with VideoWriter(video, width=width, height=height, fps=25.0) as writer:
        for spread in SPREADS:
            for level in LEVELS:
                frame = scene.image.copy()
                animator.apply(frame, Pose(open=float(level), spread=spread))
                tiles.append((frame, f"{level:.1f} {spread:+.1f}"))
                for _ in range(HOLD):
                    writer.write(frame)
    measured = measure_video_openness(video).reshape(len(SPREADS), len(LEVELS), HOLD)
    video.unlink()
    strip = _strip([t[0] for t in tiles], box, [t[1] for t in tiles], columns=len(LEVELS))
    cv2.imwrite(str(out), cv2.cvtColor(strip, cv2.COLOR_RGB2BGR))
    return np.nanmedian(measured[..., HOLD // 2 :], axis=-1)


def _filled(polygons: list, shape: tuple) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(p).astype(np.int32) for p in polygons if len(p)], 1)
    return mask > 0


def lid_stroke(scene, actor) -> float:
    """Share of the still-open eyes that the painted lids darken by more than 25 L*, over
    the clip's blinks between 0 and 0.5 (NaN unless the eyes are big drawn ones)."""
    from talkingphoto.render import Pose
    from talkingphoto.render._eyes import _lid_shapes

    animator, rig = actor.animator, actor.animator.rig
    blinks = [] if actor.motion is None else [b for b in actor.motion.blink if 0 < b < 0.5]
    if rig.lids != "paint" or not animator.lids or not blinks:
        return float("nan")
    shape = scene.image.shape[:2]
    lightness = cv2.cvtColor(scene.image.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]
    darkened, seen = 0, 0
    for blink in blinks:
        pose = Pose(rest=1.0, blink=float(blink))
        frame = scene.image.copy()
        animator.apply(frame, pose)
        darker = lightness - cv2.cvtColor(frame.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0] > 25
        posed = animator.posed_points(pose)
        for side, palette in animator.lids.items():
            upper, lower = posed[rig.slot[f"{side}_upper_lid"]], posed[rig.slot[f"{side}_lower_lid"]]
            eye, lid = (_filled(_lid_shapes(upper, lower, b, palette.thickness)[:2], shape) for b in (1.0, blink))
            still_open = eye & ~lid
            darkened += int((darker & still_open).sum())
            seen += int(still_open.sum())
    return darkened / max(seen, 1)


GHOST_BLINKS = (0.1, 0.15, 0.2, 0.25, 0.3)
SHUT_BLINKS = (0.9, 0.93, 0.96, 0.99)


def _lightness(rgb) -> np.ndarray:
    """L* of RGB pixels [shape=(..., 3), 0..255]."""
    lab = cv2.cvtColor(np.asarray(rgb, np.float32).reshape(-1, 1, 3) / 255, cv2.COLOR_RGB2Lab)
    return lab[..., 0].reshape(np.shape(rgb)[:-1])


def ghost_lash(scene, actor) -> float:
    """How dark the drawn upper lash line still shows under the painted lid, at blinks
    GHOST_BLINKS: over the picture's ink pixels (at least half as dark as the lash) that
    the closing upper lid covers, more than a stroke above its edge, the share of the ink's
    darkness left in the frame (0 the shut lid's skin there .. 1 the ink as drawn); the
    largest of the blinks' means (NaN unless the eyes are big drawn ones)."""
    from talkingphoto.render import Pose
    from talkingphoto.render._eyes import _lid_shapes

    animator, rig = actor.animator, actor.animator.rig
    if rig.lids != "paint" or not animator.lids:
        return float("nan")
    shape = scene.image.shape[:2]
    before = _lightness(scene.image)
    shut = _lightness(_posed(scene, actor, 1.0))  # the lid's own skin, shaded as it is
    worst = 0.0
    for blink in GHOST_BLINKS:
        pose = Pose(rest=1.0, blink=blink)
        frame = scene.image.copy()
        animator.apply(frame, pose)
        after = _lightness(frame)
        posed = animator.posed_points(pose)
        left, seen = 0.0, 0
        for side, palette in animator.lids.items():
            upper, lower = posed[rig.slot[f"{side}_upper_lid"]], posed[rig.slot[f"{side}_lower_lid"]]
            skin, lash = _lightness([[palette.skin]])[0, 0], _lightness([[palette.lash]])[0, 0]
            upper_lid, _, edge, _ = _lid_shapes(upper, lower, blink, palette.thickness)
            lid = _filled([upper_lid], shape)
            near = np.zeros(shape, np.uint8)
            stroke = int(np.ceil(2 * palette.thickness)) + 2
            cv2.polylines(near, [np.round(edge).astype(np.int32)], False, 1, thickness=stroke)
            ink = (skin - before) / max(skin - lash, 1e-3) > 0.5
            covered = lid & ~near.astype(bool) & ink
            left += float(np.clip((shut[covered] - after[covered]) / max(skin - lash, 1e-3), 0, 1).sum())
            seen += int(covered.sum())
        worst = max(worst, left / max(seen, 1))
    return worst


def iris_shut(scene, actor) -> int:
    """Pixels of the eyes' colours (a hue 60 degrees or more from the lid's skin, chroma
    over 15) that still show at blinks SHUT_BLINKS and not in the shut eye (blink 1): iris
    under the shut line; the largest over those blinks, both eyes (-1 unless the eyes are
    big drawn ones)."""
    from talkingphoto.render import Pose
    from talkingphoto.render._eyes import _hue_turn
    from talkingphoto.render._colour import _lab

    animator, rig = actor.animator, actor.animator.rig
    if rig.lids != "paint" or not animator.lids:
        return -1
    posed = animator.posed_points(Pose(rest=1.0))
    skin = _lab(np.array([[animator.lids[s].skin for s in animator.lids]], np.uint8))[0].mean(0)

    def eye_colour(blink):
        frame = scene.image.copy()
        animator.apply(frame, Pose(rest=1.0, blink=blink))
        lab = _lab(frame)
        return (_hue_turn(lab, skin) >= 60) & (np.hypot(lab[..., 1], lab[..., 2]) > 15)

    eyes = np.zeros(scene.image.shape[:2], bool)
    for side in animator.lids:
        upper, lower = posed[rig.slot[f"{side}_upper_lid"]], posed[rig.slot[f"{side}_lower_lid"]]
        x0, y0, x1, y1 = _box(np.vstack([upper, lower]), 0.3 * rig.eye_width, scene.image.shape)
        eyes[y0:y1, x0:x1] = True
    shut = eye_colour(1.0)
    return max(int((eye_colour(b) & ~shut & eyes).sum()) for b in SHUT_BLINKS)


SHUT_LIDS = (0.3, 0.6, 1.0)  # blinks at which hair over the eyes is looked at
HAIR_HUE = 0.05  # share of the hair's saturated pixels whose hue a strand across an eye has
EDGE_NEAR = 3  # pixels either side of a painted lid's edge compared across it


def _painted_eyes(scene, actor) -> list:
    """Per painted eye at rest: (upper, lower, palette, box, hair) with its box (0.5 of its
    width around it) and the hair over it [bool, the picture's shape]: within 0.5 of the
    eye's width of its fitted outline, what is darker (by over 30 L*) or more saturated (by
    over 35 chroma) than the lid's skin, as its shading never is, joined through such
    pixels to the box's top (bangs) or its side away from the nose, outside the painted
    lids' margined outline widened by a lash stroke (the lash line, which bangs may touch,
    lies there: what is joined to hair only through it is not hair). Inside that outline,
    strands drawn across the eye are hair too: pixels more saturated than the skin by
    over 35 chroma, not ink (at most 45 L* darker than it), of a hue the hair has outside
    (within 10 degrees of that of at least HAIR_HUE of its saturated pixels), joined to it
    through such pixels."""
    from talkingphoto.render import Pose
    from talkingphoto.render._eyes import _with_margins
    from talkingphoto.render._colour import _lab

    animator, rig = actor.animator, actor.animator.rig
    posed = animator.posed_points(Pose(rest=1.0))
    lab = _lab(scene.image)
    eyes = []
    for side, palette in animator.lids.items():
        upper, lower = posed[rig.slot[f"{side}_upper_lid"]], posed[rig.slot[f"{side}_lower_lid"]]
        width = float(np.linalg.norm(upper[-1] - upper[0]))
        box = _box(np.vstack([upper, lower]), 0.5 * width, scene.image.shape)
        x0, y0, x1, y1 = box
        local = lab[y0:y1, x0:x1]

        def filled(top, bottom):
            mask = np.zeros(local.shape[:2], np.uint8)
            cv2.fillPoly(mask, [np.round(np.vstack([top, bottom[::-1]]) - (x0, y0)).astype(np.int32)], 1)
            return mask

        outline, margined = filled(upper, lower), filled(*_with_margins(upper, lower))
        skin = _lab(np.array([[palette.skin]], np.uint8))[0, 0]
        chroma, skin_chroma = np.hypot(local[..., 1], local[..., 2]), float(np.hypot(skin[1], skin[2]))
        near = cv2.distanceTransform(1 - outline, cv2.DIST_L2, 3)
        stroke = int(np.ceil(palette.thickness)) + 1
        eye = cv2.dilate(margined, np.ones((2 * stroke + 1,) * 2, np.uint8)) > 0
        saturated = chroma > skin_chroma + 35
        dark = ((local[..., 0] < skin[0] - 30) | saturated) & ~eye
        # The side away from the nose: the outer corner's.
        outer = 0 if abs(upper[0, 0] - x0) < abs(upper[-1, 0] - x0) else -1

        def joined(mask):
            _, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
            edges = np.concatenate([labels[0][mask[0]], labels[:, outer][mask[:, outer]]])
            return np.isin(labels, np.unique(edges)) & mask

        outside = joined(dark)
        hue = np.degrees(np.arctan2(local[..., 2], local[..., 1])) % 360
        counts = np.bincount((hue[outside & saturated] // 10).astype(int), minlength=36)
        share = np.convolve(np.r_[counts[-1:], counts, counts[:1]], np.ones(3), "valid") / max(counts.sum(), 1)
        strands = eye & saturated & (local[..., 0] > skin[0] - 45) & (share[(hue // 10).astype(int) % 36] >= HAIR_HUE)
        hair = np.zeros(lab.shape[:2], bool)
        hair[y0:y1, x0:x1] = (outside | joined(outside | strands) & strands) & (near <= 0.5 * width)
        eyes.append((upper, lower, palette, box, hair))
    return eyes


def _posed(scene, actor, blink: float) -> np.ndarray:
    from talkingphoto.render import Pose

    frame = scene.image.copy()
    actor.animator.apply(frame, Pose(rest=1.0, blink=blink))
    return frame


def lid_edge(scene, actor) -> tuple:
    """Delta E across the edge of what the shut lids paint (blink 1): each changed pixel
    within EDGE_NEAR of unchanged ones against the nearest unchanged, lit one (not ink or
    hair: at most 30 L* darker than the lid's skin), away from the shut line's stroke; mean
    and 95th percentile, both eyes (NaN unless the eyes are big drawn ones). A flat lid in
    an eye's shading shows as a pale patch with edges."""
    from talkingphoto.render._eyes import _lid_shapes
    from talkingphoto.render._colour import _lab

    if actor.animator.rig.lids != "paint" or not actor.animator.lids:
        return float("nan"), float("nan")
    frame = _posed(scene, actor, 1.0)
    lab = _lab(frame)
    changed = np.abs(frame.astype(int) - scene.image).max(-1) > 3
    steps = []
    for upper, lower, palette, box, _ in _painted_eyes(scene, actor):
        edge = _lid_shapes(upper, lower, 1.0, palette.thickness)[2]
        steps.append(_edge_steps(lab, changed, edge, box, palette))
    return _mean_and_p95(steps)


HALF_BLINKS = (0.3, 0.4, 0.5, 0.6, 0.7)
SPECK_BLINKS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def half_lid_edge(scene, actor) -> tuple:
    """Delta E across the edge of what the closing upper lids paint at blinks HALF_BLINKS,
    as lid_edge measures it, both sides of it above the lids' edges (below lies the
    still-open eye); mean and 95th percentile over those blinks, both eyes (NaN unless the
    eyes are big drawn ones). A lid paler than the shading beside it, or the drawn eye's
    inked sides left standing along it, show here."""
    from talkingphoto.render._eyes import _by_x, _lid_shapes
    from talkingphoto.render._colour import _lab

    if actor.animator.rig.lids != "paint" or not actor.animator.lids:
        return float("nan"), float("nan")
    eyes = _painted_eyes(scene, actor)
    ys, xs = np.mgrid[0 : scene.image.shape[0], 0 : scene.image.shape[1]]
    steps = []
    for blink in HALF_BLINKS:
        frame = _posed(scene, actor, blink)
        lab = _lab(frame)
        changed = np.abs(frame.astype(int) - scene.image).max(-1) > 3
        for upper, lower, palette, box, _ in eyes:
            edge = _lid_shapes(upper, lower, blink, palette.thickness)[2]
            above = ys < np.interp(xs, *_by_x(edge))
            steps.append(_edge_steps(lab, changed, edge, box, palette, within=above))
    return _mean_and_p95(steps)


def _edge_steps(
    lab: np.ndarray, changed: np.ndarray, edge: np.ndarray, box: tuple, palette, *, within: np.ndarray | None = None
) -> np.ndarray:
    """Delta E from each changed pixel within EDGE_NEAR of unchanged ones (inside ``box``)
    to the nearest unchanged, lit one (at most 30 L* darker than ``palette``'s skin: not ink
    or hair), both away from the lash stroke along ``edge`` and, if given, ``within`` [bool]."""
    from scipy.spatial import cKDTree

    from talkingphoto.render._colour import _lab

    x0, y0, x1, y1 = box
    stroke = np.zeros(lab.shape[:2], np.uint8)
    cv2.polylines(stroke, [np.round(edge).astype(np.int32)], False, 1, thickness=int(np.ceil(3 * palette.thickness)) + 2)
    skin_l = _lab(np.array([[palette.skin]], np.uint8))[0, 0, 0]
    inside = np.zeros_like(stroke)
    inside[y0:y1, x0:x1] = changed[y0:y1, x0:x1]
    kernel = np.ones((2 * EDGE_NEAR + 1,) * 2, np.uint8)
    rim = inside.astype(bool) & (cv2.dilate(1 - inside, kernel) > 0) & (stroke == 0)
    outside = (inside == 0) & (cv2.dilate(inside, kernel) > 0) & (stroke == 0) & (lab[..., 0] > skin_l - 30)
    outside[:y0], outside[y1:], outside[:, :x0], outside[:, x1:] = False, False, False, False
    if within is not None:
        rim, outside = rim & within, outside & within
    if not rim.any() or not outside.any():
        return np.zeros(0)
    dist, nearest = cKDTree(np.argwhere(outside)).query(np.argwhere(rim), distance_upper_bound=EDGE_NEAR + 1)
    found = np.isfinite(dist)
    pairs = np.argwhere(outside)[nearest[found]]
    return np.linalg.norm(lab[rim][found] - lab[pairs[:, 0], pairs[:, 1]], axis=1)


def _mean_and_p95(steps: list) -> tuple:
    steps = np.concatenate(steps) if steps else np.zeros(0)
    if not len(steps):
        return 0.0, 0.0
    return float(steps.mean()), float(np.percentile(steps, 95))


def rendered_lid_edge(scene, actor) -> tuple:
    """Delta E across the edge of what a shut blink changes on squashed lids (blink 1
    against the picture, the eyes posed alone), as lid_edge measures it, away from the shut
    line's lash stroke, within half an eye's width of each eye; mean and 95th percentile
    (NaN on painted or still lids). A closed lid in one colour showed as a lighter or
    darker oval with an outline where the eye sits in shadow or light."""
    from talkingphoto.render import Pose
    from talkingphoto.render._colour import _lab

    animator, rig = actor.animator, actor.animator.rig
    if rig.lids != "squash" or not animator.lids:
        return float("nan"), float("nan")
    frame = _posed(scene, actor, 1.0)
    lab = _lab(frame)
    changed = np.abs(frame.astype(int) - scene.image).max(-1) > 3
    shut = animator.posed_points(Pose(rest=1.0, blink=1.0))
    steps = []
    for side, palette in animator.lids.items():
        edge = shut[rig.slot[f"{side}_upper_lid"]]
        width = float(np.linalg.norm(edge[-1] - edge[0]))
        steps.append(_edge_steps(lab, changed, edge, _box(edge, 0.5 * width, frame.shape), palette))
    return _mean_and_p95(steps)


SPILL_CHANGE = 10  # levels (of 255, any channel) a pixel must change by to count as changed (a flat fill over skin is subtle)


def blink_spill(scene, actor) -> float:
    """Pixels a shut blink changes by more than SPILL_CHANGE, further out than a quarter of
    the wider eye's width from both eyes' fitted outlines, over the outlines' area."""
    from talkingphoto.characters import topology as topo

    lm = scene.speaker.landmarks[:, :2]
    lids = ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER))
    eyes = _filled([lm[np.concatenate([upper, lower[::-1]])] for upper, lower in lids], scene.image.shape[:2]).astype(np.uint8)
    widest = max(float(np.linalg.norm(lm[upper[-1]] - lm[upper[0]])) for upper, _ in lids)
    reach = max(1, int(round(0.25 * widest)))
    near = cv2.dilate(eyes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    changed = np.abs(_posed(scene, actor, 1.0).astype(int) - _posed(scene, actor, 0.0)).max(axis=2) > SPILL_CHANGE
    return float((changed & (near == 0)).sum() / max(int(eyes.sum()), 1))


def hair_cut(scene, actor) -> float:
    """Share of the hair over the eyes (see _painted_eyes) that the lids change by more than
    10 (of 255, in a channel) at blinks SHUT_LIDS, the largest (NaN unless the eyes are big
    drawn ones): a lid's margin painted over the bangs."""
    if actor.animator.rig.lids != "paint" or not actor.animator.lids:
        return float("nan")
    hair = np.any([e[4] for e in _painted_eyes(scene, actor)], axis=0)
    if not hair.any():
        return 0.0
    shares = []
    for blink in SHUT_LIDS:
        changed = np.abs(_posed(scene, actor, blink).astype(int) - scene.image).max(-1) > 10
        shares.append(float((changed & hair).sum()) / float(hair.sum()))
    return max(shares)


def ink_above(scene, actor, blink: float = 1.0) -> int:
    """Pixels of ink (at least 45 L* darker than the lid's skin) left above the shut line at
    ``blink`` (1: shut), more than a stroke and a half above it, within 0.25 of the eye's
    width of its fitted outline and neither hair (see _painted_eyes) nor joined to it: the
    drawn lash line's ends over the shut eye, both eyes (-1 unless the eyes are big drawn
    ones). Before the eye is shut, the line is the closing lid's edge where it has come into
    the eye, carried on level past its ends (there it still lies on the outline, over the
    still-open eye's inked sides)."""
    from talkingphoto.render._eyes import _by_x, _lid_shapes
    from talkingphoto.render._colour import _lab

    if actor.animator.rig.lids != "paint" or not actor.animator.lids:
        return -1
    lab = _lab(_posed(scene, actor, blink))
    count = 0
    for upper, lower, palette, (x0, y0, x1, y1), hair in _painted_eyes(scene, actor):
        width = float(np.linalg.norm(upper[-1] - upper[0]))
        edge, inside = _lid_shapes(upper, lower, blink, palette.thickness)[2:]
        edge = edge[inside > 0] if (inside > 0).any() else edge
        skin_l = _lab(np.array([[palette.skin]], np.uint8))[0, 0, 0]
        outline = np.zeros(lab.shape[:2], np.uint8)
        cv2.fillPoly(outline, [np.round(np.vstack([upper, lower[::-1]])).astype(np.int32)], 1)
        near = cv2.distanceTransform(1 - outline, cv2.DIST_L2, 3) <= 0.25 * width
        ys, xs = np.mgrid[0 : lab.shape[0], 0 : lab.shape[1]]
        above = ys < np.interp(xs, *_by_x(edge)) - 1.5 * palette.thickness
        # Ink joined to the hair is hair too: the dark ends of bangs, kept in front of the lid.
        dark = lab[..., 0] < skin_l - 45
        _, labels = cv2.connectedComponents(dark.astype(np.uint8), connectivity=8)
        joined = np.unique(labels[dark & (cv2.dilate(hair.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)])
        ink = dark & above & near & ~np.isin(labels, joined[joined > 0])
        count += int(ink[y0:y1, x0:x1].sum())
    return count


GRIN_CELLS = (4, 8)  # rows from the opening's upper edge to its lower, columns corner to corner


def _grin_cells(picture: np.ndarray, upper: np.ndarray, lower: np.ndarray, pale: float) -> tuple:
    """Mean Lab [shape=GRIN_CELLS + (3,)] and pixel count per cell of an opening (``upper``,
    ``lower`` edges corner to corner), over its pixels paler than ``pale`` L* (not ink)."""
    from talkingphoto.render._colour import _lab

    x0, y0, x1, y1 = _box(np.vstack([upper, lower]), 1, picture.shape)
    lab = _lab(picture[y0:y1, x0:x1])
    ys, xs = np.mgrid[y0:y1, x0:x1]
    start, end = upper[0], upper[-1]
    along = (end - start) / float((end - start) @ (end - start))
    at = (xs - start[0]) * along[0] + (ys - start[1]) * along[1]
    top = np.interp(at, (upper - start) @ along, upper[:, 1])
    bottom = np.interp(at, (lower - start) @ along, lower[:, 1])
    depth = (ys - top) / np.maximum(bottom - top, 1.0)
    inside = (depth >= 0) & (depth < 1) & (at >= 0) & (at < 1) & (lab[..., 0] > pale)
    rows, columns = GRIN_CELLS
    cell = (
        np.minimum((depth[inside] * rows).astype(int), rows - 1),
        np.minimum((at[inside] * columns).astype(int), columns - 1),
    )
    sums, counts = np.zeros((rows, columns, 3)), np.zeros((rows, columns))
    np.add.at(sums, cell, lab[inside])
    np.add.at(counts, cell, 1)
    return sums / np.maximum(counts, 1)[..., None], counts


def grin_teeth(scene, actor) -> float:
    """How far the painted grin's teeth are from the drawing's in the frame that takes
    over from it (the first of the clip out of the rest): the mean CIE76 delta E, over
    GRIN_CELLS of each's opening (the drawn one, the painted one posed), between their mean
    Lab colours (of the pixels paler than the ink's blend into the skin), where both show
    some (NaN unless the picture's mouth is a drawn grin)."""
    from talkingphoto.render import Pose
    from talkingphoto.render._animator import GRIN_CLOSE

    animator, rig = actor.animator, actor.animator.rig
    own = animator.look.own_mouth
    if own is None or not own.grin:
        return float("nan")
    rests = [actor.pose(i)[0].rest for i in range(scene.n_frames)]
    pose = Pose(rest=next(r for r in rests if r < 1.0))
    frame = scene.image.copy()
    animator.apply(frame, pose)
    posed, shape = animator.posed_points(pose), pose.rest**GRIN_CLOSE  # as FaceAnimator._paint shapes it
    traced = (("upper_inner", own.upper), ("lower_inner", own.lower))
    upper, lower = (posed[rig.slot[slot]] + shape * (edge - rig.vertices(slot)) for slot, edge in traced)
    ink = _lightness([[animator.look.line]])[0, 0]
    pale = ink + 0.6 * (_lightness([[animator.look.palette.teeth]])[0, 0] - ink)
    drawn, drawn_n = _grin_cells(scene.image, own.upper, own.lower, pale)
    painted, painted_n = _grin_cells(frame, upper, lower, pale)
    both = (drawn_n > 0) & (painted_n > 0)
    return float(np.linalg.norm(drawn - painted, axis=-1)[both].mean()) if both.any() else float("nan")


def measure(picture: Path, audio: Path, out: Path, *, mode: str) -> dict:
    """Render ``picture`` speaking ``audio``; return its figures and write its sheets."""
    from talkingphoto.characters import topology as topo
    from talkingphoto.job import Job
    from talkingphoto.pipeline import animate
    from talkingphoto.render._rig import mouth_polygon, pose_points
    from talkingphoto.scene import build_scene

    scene = build_scene(Job.single(picture, out / "unused.mp4", audio=audio, mode=mode))
    actor = next(a for a in scene.actors if a.animator.face.index == scene.speaker.index)
    animator, rig = actor.animator, actor.animator.rig
    lm = scene.speaker.landmarks[:, :2]
    eye_boxes = [
        _box(lm[np.concatenate([topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER])], 0.25 * rig.eye_width, scene.image.shape),
        _box(lm[np.concatenate([topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER])], 0.25 * rig.eye_width, scene.image.shape),
    ]
    source_sharpness = [_sharpness(scene.image, b) for b in eye_boxes]
    mouth_box = _box(rig.vertices("upper_outer"), 0.35 * rig.mouth_width, scene.image.shape)
    chin_room = min(scene.image.shape[0], mouth_box[3] + int(0.3 * rig.mouth_width))
    mouth_box = (mouth_box[0], mouth_box[1], mouth_box[2], chin_room)
    up, lo = rig.slot["upper_inner"], rig.slot["lower_inner"]
    mid = len(up) // 2

    gaps, detail, teeth, frames, rests, presses = [], [], [], [], [], []
    # Frame 0's mouth alone (no blink, no head motion) against the picture.
    mouth_only = scene.image.copy()
    animator.apply(mouth_only, replace(actor.pose(0)[0], blink=0.0, brow=0.0, gaze_x=0.0, gaze_y=0.0))
    first_diff = int(np.abs(mouth_only.astype(int) - scene.image).max())
    for i, frame in enumerate(animate(scene.image, scene.actors, scene.n_frames)):
        pose, _ = actor.pose(i)
        rests.append(pose.rest)
        presses.append(pose.press)
        posed = animator.posed_points(pose) if hasattr(animator, "posed_points") else pose_points(rig, pose)
        gaps.append(float((posed[lo[mid]] - posed[up[mid]]) @ rig.down) / rig.mouth_width)
        if pose.blink < 0.1:
            detail.append(np.mean([_sharpness(frame, b) / max(s, 1e-6) for b, s in zip(eye_boxes, source_sharpness)]))
        teeth.append(_tooth_colour(frame, mouth_polygon(rig, posed)) if gaps[-1] > 0.08 else None)
        frames.append(frame)
    gaps, rests = np.array(gaps), np.array(rests)
    steps = np.abs(np.diff(gaps)) / max(float(np.ptp(gaps)), 1e-6)
    shut = np.array(presses) > 0.5
    open_steps = steps[~(shut[:-1] | shut[1:])]
    jumps = [float(np.linalg.norm(a - b)) for a, b in zip(teeth[:-1], teeth[1:]) if a is not None and b is not None]
    bx0, by0, bx1, by1 = mouth_box
    pixels = np.array([f[by0:by1, bx0:bx1] for f in frames], np.int16)
    changed = (np.abs(np.diff(pixels, axis=0)).max(axis=3) > 40).mean(axis=(1, 2))
    easing = ((rests[:-1] > 0) | (rests[1:] > 0)) & ((rests[:-1] < 1) | (rests[1:] < 1))
    speaking = (rests[:-1] == 0) & (rests[1:] == 0)

    name = picture.stem
    x0, y0, x1, y1 = mouth_box  # wide openings reach further down
    open_box = (x0, y0, x1, min(scene.image.shape[0], y1 + int(0.3 * rig.mouth_width)))
    readings = read_back(scene, animator, open_box, out / f"{name}_open.png")
    controls = np.broadcast_to(LEVELS, readings.shape)
    known = np.isfinite(readings)
    middle = (LEVELS >= 0.1) & (LEVELS <= 0.7)
    # Mouth: 32 consecutive frames from the first silence into speech.
    leaving = np.flatnonzero(rests < 1)
    start = max(0, int(leaving[0]) - 3) if len(leaving) else 0
    run = range(start, min(len(frames), start + 32))
    cv2.imwrite(
        str(out / f"{name}_mouth.png"),
        cv2.cvtColor(_strip([frames[i] for i in run], mouth_box, [f"#{i}" for i in run]), cv2.COLOR_RGB2BGR),
    )
    if actor.motion is not None:
        peak = int(np.argmax(actor.motion.blink))
        run = range(max(0, peak - 4), min(len(frames), peak + 4))
        eyes = np.concatenate([topo.RIGHT_EYE_UPPER, topo.LEFT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.LEFT_EYE_LOWER])
        both = _box(lm[eyes], 0.3 * rig.eye_width, scene.image.shape)
        strip = _strip([frames[i] for i in run], both, [f"#{i}" for i in run], columns=2)
        cv2.imwrite(str(out / f"{name}_eyes.png"), cv2.cvtColor(strip, cv2.COLOR_RGB2BGR))
    return {
        "picture": name,
        "style": scene.speaker.style,
        "eye_detail": float(np.mean(detail)) if detail else float("nan"),
        "lid_stroke": lid_stroke(scene, actor),
        "ghost_lash": ghost_lash(scene, actor),
        "iris_shut": iris_shut(scene, actor),
        "grin_teeth": grin_teeth(scene, actor),
        "lid_edge": lid_edge(scene, actor),
        "hair_cut": hair_cut(scene, actor),
        "blink_spill": blink_spill(scene, actor),
        "rendered_lid_edge": rendered_lid_edge(scene, actor),
        "lids": rig.lids,
        "ink_above": ink_above(scene, actor),
        "ink_closing": max(ink_above(scene, actor, b) for b in SPECK_BLINKS),
        "half_lid_edge": half_lid_edge(scene, actor),
        "mouth_step_p99": float(np.percentile(steps, 99)),
        "mouth_step_max": float(steps.max()),
        "mouth_step_max_open": float(open_steps.max()) if len(open_steps) else 0.0,
        "tooth_jump_median": float(np.median(jumps)) if jumps else float("nan"),
        "tooth_jump_p95": float(np.percentile(jumps, 95)) if jumps else float("nan"),
        "tooth_frames": len(jumps),
        "first_frame_diff": first_diff,
        "handover_max": float(changed[easing].max()) if easing.any() else 0.0,
        "speech_change_p95": float(np.percentile(changed[speaking], 95)) if speaking.any() else 0.0,
        "read_back": readings.round(3).tolist(),
        "read_back_r": float(np.corrcoef(controls[known], readings[known])[0, 1]),
        "read_back_min_rise": float(np.nanmin(np.diff(readings[:, middle], axis=1))),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("look"), help="folder for the contact sheets")
    parser.add_argument("--mode", default="vivid")
    parser.add_argument("--pictures", nargs="+", type=Path, help="default: every face in tests/data/images")
    args = parser.parse_args()
    faces = (p for p in (DATA / "images").iterdir() if p.suffix in (".png", ".jpg") and p.name not in SKIP)
    pictures = args.pictures or sorted(faces)
    args.out.mkdir(parents=True, exist_ok=True)
    print(
        f"{'picture':<24} {'style':<6} {'eye detail':>10} {'lid stroke':>10} {'mouth step p99/max/max open':>27} "
        f"{'tooth dE med/p95 (n)':>22} {'frame 0 mouth':>13} {'read-back r / min rise':>22}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "speech.wav"
        _speech(audio)
        for picture in pictures:
            r = measure(picture, audio, args.out, mode=args.mode)
            teeth = f"{r['tooth_jump_median']:.1f}/{r['tooth_jump_p95']:.1f} ({r['tooth_frames']})"
            print(
                f"{r['picture']:<24} {r['style']:<6} {r['eye_detail']:>10.2f} {r['lid_stroke']:>10.3f} "
                f"{r['mouth_step_p99']:>17.2f}/{r['mouth_step_max']:.2f}/{r['mouth_step_max_open']:.2f} "
                f"{teeth:>22} {r['first_frame_diff']:>13d} {r['read_back_r']:>14.3f} / {r['read_back_min_rise']:.3f}",
                flush=True,
            )
            print(
                f"   handover: {r['handover_max']:.3f} of the mouth box changed in a frame"
                f" (speech p95 {r['speech_change_p95']:.3f})"
            )
            print(
                f"   ghost lash {r['ghost_lash']:.3f}, iris at shut {r['iris_shut']} px, grin teeth dE {r['grin_teeth']:.1f}"
            )
            print(
                f"   shut lid edge dE {r['lid_edge'][0]:.1f}/{r['lid_edge'][1]:.1f} (mean/p95), hair cut {r['hair_cut']:.3f},"
                f" ink above the shut line {r['ink_above']} px"
            )
            print(
                f"   half-closed lid edge dE {r['half_lid_edge'][0]:.1f}/{r['half_lid_edge'][1]:.1f} (mean/p95),"
                f" ink above the closing lid {r['ink_closing']} px"
            )
            print(
                f"   lids {r['lids']}, blink spill {r['blink_spill']:.2f} eye areas, squashed shut lid edge dE"
                f" {r['rendered_lid_edge'][0]:.1f}/{r['rendered_lid_edge'][1]:.1f} (mean/p95)"
            )
            print("   read-back at open " + " ".join(f"{v:.1f}" for v in LEVELS))
            for spread, row in zip(SPREADS, r["read_back"]):
                print(f"   spread {spread:+.1f}: " + " ".join(f"{v:.2f}" for v in row))
    print(f"sheets in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
