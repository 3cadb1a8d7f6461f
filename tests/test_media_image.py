import io
import struct
import time
import zlib

import numpy as np
import pytest
from PIL import Image

from talkingphoto.errors import ImageError, ParameterError
from talkingphoto.media import fit_size, load_image


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height RGB pixels but whose data is a few bytes."""
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b"")


def halves(width=40, height=20) -> np.ndarray:
    """Left half red, right half blue."""
    a = np.zeros((height, width, 3), np.uint8)
    a[:, : width // 2] = (255, 0, 0)
    a[:, width // 2 :] = (0, 0, 255)
    return a


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "BMP", "TIFF", "GIF"])
def test_formats_decode_to_rgb_uint8(fmt):
    data = encode(Image.fromarray(halves()), fmt, **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))
    image = load_image(data)
    assert image.shape == (20, 40, 3) and image.dtype == np.uint8
    assert np.abs(image[10, 5].astype(int) - (255, 0, 0)).max() < 40
    assert np.abs(image[10, 35].astype(int) - (0, 0, 255)).max() < 40


def test_format_is_sniffed_from_content_not_extension(tmp_path):
    path = tmp_path / "really_a_png.jpg"
    path.write_bytes(encode(Image.fromarray(halves()), "PNG"))
    assert np.array_equal(load_image(path), halves())


@pytest.mark.parametrize("orientation, top_colour", [(1, None), (6, (255, 0, 0)), (8, (0, 0, 255))])
def test_exif_orientation_is_applied(orientation, top_colour):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(Image.fromarray(halves()), "JPEG", quality=95, exif=exif.tobytes())
    image = load_image(data)
    if top_colour is None:
        assert image.shape == (20, 40, 3)
        return
    # 6: the camera was turned clockwise, so the stored left edge is displayed at the top.
    assert image.shape == (40, 20, 3)
    assert np.abs(image[5, 10].astype(int) - top_colour).max() < 40
    assert np.abs(image[35, 10].astype(int) - top_colour).max() > 200


def test_rgba_is_composited_over_background():
    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[:, :, :3] = (200, 0, 0)
    rgba[:, :, 3] = [0, 128, 255]
    image = load_image(encode(Image.fromarray(rgba, "RGBA"), "PNG"), background=(0, 255, 0))
    assert image[0, 0].tolist() == [0, 255, 0]
    assert image[0, 2].tolist() == [200, 0, 0]
    assert image[0, 1].tolist() == [100, 127, 0]


def test_alpha_comes_back_beside_the_composite_and_none_for_opaque_pictures():
    from talkingphoto.media import load_image_with_alpha

    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[:, :, 3] = [0, 128, 255]
    image, alpha = load_image_with_alpha(encode(Image.fromarray(rgba, "RGBA"), "PNG"))
    assert image.shape == (2, 3, 3) and alpha.dtype == np.uint8
    assert alpha.tolist() == [[0, 128, 255], [0, 128, 255]]
    opaque, none = load_image_with_alpha(encode(Image.fromarray(rgba[:, :, :3], "RGB"), "PNG"))
    assert none is None and opaque.shape == (2, 3, 3)


def test_gray_alpha_and_palette_transparency_use_background():
    la = Image.fromarray(np.array([[[50, 0], [50, 255]]], np.uint8), "LA")
    assert load_image(encode(la, "PNG")).tolist() == [[[255, 255, 255], [50, 50, 50]]]
    pal = Image.fromarray(np.array([[0, 1]], np.uint8), "P")
    pal.putpalette([10, 20, 30, 200, 100, 50])
    image = load_image(encode(pal, "PNG", transparency=0), background=(1, 2, 3))
    assert image.tolist() == [[[1, 2, 3], [200, 100, 50]]]


def test_16bit_gray_png_is_scaled_not_clipped():
    gray = np.array([[0, 32896, 65535]], np.uint16)
    image = load_image(encode(Image.fromarray(gray), "PNG"))
    assert image[0, :, 0].tolist() == [0, 128, 255]
    assert np.array_equal(image[..., 0], image[..., 2])


def test_cmyk_and_grayscale_become_rgb():
    cmyk = Image.new("CMYK", (4, 4), (0, 255, 255, 0))  # pure red ink
    image = load_image(encode(cmyk, "JPEG", quality=95))
    assert image.shape == (4, 4, 3) and image[0, 0, 0] > 200 and image[0, 0, 1] < 60
    gray = load_image(encode(Image.new("L", (3, 2), 77), "PNG"))
    assert gray.shape == (2, 3, 3) and (gray == 77).all()


def test_huge_header_is_refused_before_decoding():
    start = time.perf_counter()
    # Over our limit but under Pillow's own (which stops Image.open itself beyond ~179 Mpx).
    with pytest.raises(ImageError, match=r"10000x8000 = 80,000,000 pixels, over the limit of 50,000,000"):
        load_image(png_header_only(10_000, 8_000))
    with pytest.raises(ImageError, match=r"10,000,000,000 pixels, over the limit of 50,000,000"):
        load_image(png_header_only(100_000, 100_000))
    assert time.perf_counter() - start < 1.0


def test_pixel_limit_is_configurable():
    data = encode(Image.fromarray(halves(100, 100)), "PNG")
    with pytest.raises(ImageError, match="over the limit of 5,000"):
        load_image(data, max_pixels=5000)
    assert load_image(data, max_pixels=10_000).shape == (100, 100, 3)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"this is plainly not an image" * 10, "is not a picture"),
        (encode(Image.fromarray(halves(200, 200)), "PNG")[:300], "corrupt or truncated"),
        (encode(Image.fromarray(halves(200, 200)), "JPEG")[:400], "corrupt or truncated"),
        (b"", "empty"),
    ],
)
def test_bad_bytes_give_one_line_image_error(data, message):
    with pytest.raises(ImageError, match=message) as info:
        load_image(data)
    assert "\n" not in str(info.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ImageError, match="not found"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="is a directory"):
        load_image(tmp_path)


def test_bad_parameters():
    with pytest.raises(ParameterError, match="background"):
        load_image(b"x", background=(0, 0))
    with pytest.raises(ParameterError, match="max_pixels"):
        load_image(b"x", max_pixels=0)


@pytest.mark.slow
def test_real_photo_and_transparent_sprite(real_data):
    photo = load_image(real_data / "images" / "grace_hopper.jpg")
    assert photo.shape == (600, 512, 3) and photo.dtype == np.uint8 and photo.std() > 30
    sprite = load_image(real_data / "images" / "sylvie_green_normal.png", background=(0, 0, 0))
    assert sprite.shape == (700, 456, 3)
    assert sprite[0, 0].tolist() == [0, 0, 0]  # transparent corner shows the background
    assert sprite[150:250, 150:300].mean() > 60  # the face is opaque


@pytest.mark.parametrize(
    "size, max_size, expected",
    [
        ((1280, 720), 1920, (1280, 720)),
        ((4000, 3000), 1920, (1920, 1440)),
        ((3000, 4000), 1920, (1440, 1920)),
        ((513, 601), 1920, (512, 600)),
        ((1, 1), 1920, (2, 2)),
        ((1000, 10), 100, (100, 2)),
        ((1921, 1081), 1921, (1920, 1080)),
        ((451, 300), 1920, (450, 300)),  # odd sides go down to even, never up
    ],
)
def test_fit_size(size, max_size, expected):
    w, h = fit_size(*size, max_size=max_size)
    assert (w, h) == expected
    assert w % 2 == 0 and h % 2 == 0 and max(w, h) <= max_size


def test_fit_size_keeps_aspect():
    w, h = fit_size(3024, 4032, max_size=1280)
    assert h == 1280 and abs(w / h - 3024 / 4032) < 2 / h


@pytest.mark.parametrize("kwargs", [dict(max_size=1), dict(max_size=640.5), dict(max_size=True)])
def test_fit_size_validates(kwargs):
    with pytest.raises(ParameterError, match="max_size"):
        fit_size(100, 100, **kwargs)
    with pytest.raises(ParameterError, match="width"):
        fit_size(0, 100)


# -- decoding reduced, for what the render needs --------------------------------------------


def _blocks(pixels: np.ndarray, k: int) -> np.ndarray:
    """Mean of each k x k block (the picture's sides divisible by k)."""
    h, w = pixels.shape[:2]
    return pixels.reshape(h // k, k, w // k, k, -1).mean(axis=(1, 3))


def test_reduced_decode_box_filters_by_a_whole_factor_and_reports_the_scale():
    from talkingphoto.media import load_picture

    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (600, 900, 3), dtype=np.uint8)
    picture = load_picture(encode(Image.fromarray(pixels), "PNG"), reduce_to=280)
    assert picture.image.shape == (200, 300, 3) and picture.scale == pytest.approx(1 / 3)
    assert picture.source_size == (900, 600) and picture.alpha is None
    assert np.abs(picture.image - _blocks(pixels.astype(float), 3)).max() <= 1
    whole = load_picture(encode(Image.fromarray(pixels), "PNG"), reduce_to=600)  # 900 // 600 = 1
    assert whole.scale == 1 and np.array_equal(whole.image, pixels)


def test_jpeg_is_reduced_by_its_own_decoder():
    from talkingphoto.media import load_picture

    data = encode(Image.new("RGB", (1600, 1200), (30, 140, 220)), "JPEG", quality=90)
    quarter = load_picture(data, reduce_to=400)
    assert quarter.image.shape == (300, 400, 3) and quarter.scale == 0.25
    assert np.abs(quarter.image[150, 200].astype(int) - (30, 140, 220)).max() <= 3
    third = load_picture(data, reduce_to=530)  # 1/3 is no JPEG step: 1/2, never below 530
    assert third.image.shape == (600, 800, 3) and third.scale == 0.5


def test_reduced_transparency_does_not_bleed_the_colour_of_clear_pixels():
    from talkingphoto.media import load_picture

    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[:, :, :3] = (255, 0, 0)  # clear pixels that happen to hold red
    rgba[:, ::2] = (0, 0, 255, 255)  # every other column opaque blue
    picture = load_picture(encode(Image.fromarray(rgba, "RGBA"), "PNG"), reduce_to=20)
    assert picture.image.shape == (20, 20, 3) and picture.alpha.shape == (20, 20)
    assert np.abs(picture.alpha.astype(int) - 128).max() <= 1
    assert np.abs(picture.image.astype(int) - (127, 127, 255)).max() <= 2  # blue over white, no red
    pal = Image.fromarray(np.tile(np.array([[0, 1]], np.uint8), (8, 4)), "P")
    pal.putpalette([255, 0, 0, 0, 0, 255])
    reduced = load_picture(encode(pal, "PNG", transparency=0), reduce_to=4)
    assert np.abs(reduced.image.astype(int) - (127, 127, 255)).max() <= 2


def test_reduced_16bit_gray_and_exif_turned_pictures():
    from talkingphoto.media import load_picture

    gray = np.tile(np.array([0, 65535], np.uint16), (10, 10))  # 10 x 20, columns alternate
    picture = load_picture(encode(Image.fromarray(gray), "PNG"), reduce_to=10)
    assert picture.image.shape == (5, 10, 3) and (picture.image == 128).all()
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(Image.fromarray(halves()).resize((400, 200)), "JPEG", quality=95, exif=exif.tobytes())
    turned = load_picture(data, reduce_to=200)
    assert turned.source_size == (200, 400) and turned.image.shape == (200, 100, 3) and turned.scale == 0.5
    assert np.abs(turned.image[10, 50].astype(int) - (255, 0, 0)).max() < 40  # stored left, shown on top


def test_big_pictures_make_no_big_numpy_copies():
    import tracemalloc

    from talkingphoto.media import load_picture

    gray = (np.arange(2000 * 2000, dtype=np.uint32).reshape(2000, 2000) % 65536).astype(np.uint16)
    data = encode(Image.fromarray(gray), "PNG")  # 8 MB of pixels at 16 bits
    tracemalloc.start()
    try:
        load_picture(data, reduce_to=500)
        reduced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        load_image(data)
        whole_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reduced_peak < 4e6  # no full-size array at all (the picture alone is 8 MB)
    assert whole_peak < 4 * 2000 * 2000 * 3  # no float64 copy at full size either (it peaked at 96 MB)


def test_decodes_past_the_budget_take_turns():
    import threading

    from talkingphoto.media._image import _Budget

    budget, order = _Budget(100), []
    first_in, release = threading.Event(), threading.Event()

    def big(name, n):
        with budget.hold(n):
            order.append(name)
            first_in.set()
            release.wait(5)

    a = threading.Thread(target=big, args=("a", 80))
    a.start()
    first_in.wait(5)
    b = threading.Thread(target=big, args=("b", 80))
    b.start()
    with budget.hold(20):  # fits beside a
        order.append("small")
    b.join(0.2)
    assert order == ["a", "small"] and b.is_alive()  # b waits for a
    release.set()
    a.join(5)
    b.join(5)
    assert order == ["a", "small", "b"]
    with budget.hold(1000):  # alone, a decode larger than the budget still goes ahead
        pass


@pytest.mark.parametrize("factor", [1, 3])
def test_band_by_band_conversion_gives_the_same_pixels_as_one_band(monkeypatch, factor):
    import talkingphoto.media._image as module

    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (90, 60, 3), dtype=np.uint8)
    rgba = np.dstack([rgb, rng.integers(0, 256, (90, 60), dtype=np.uint8)])
    pal = Image.fromarray(rgb[:, :, 0] // 64, "P")
    pal.putpalette([0, 0, 0, 90, 20, 200, 250, 250, 0, 10, 200, 90])
    pictures = [
        encode(Image.fromarray(rgb), "PNG"),
        encode(Image.fromarray(rgba, "RGBA"), "PNG"),
        encode(pal, "PNG", transparency=2),
        encode(Image.fromarray(rgb[:, :, 0].astype(np.uint16) * 250), "PNG"),
        encode(Image.fromarray(rgb[:, :, 1]), "PNG"),
    ]
    whole = [module.load_picture(data, reduce_to=90 // factor) for data in pictures]
    monkeypatch.setattr(module, "_BAND_PIXELS", 100)  # bands of a few rows
    for data, expected in zip(pictures, whole):
        banded = module.load_picture(data, reduce_to=90 // factor)
        assert banded.image.shape == (90 // factor, 60 // factor, 3)
        assert np.array_equal(banded.image, expected.image)
        assert (banded.alpha is None) == (expected.alpha is None)
        assert banded.alpha is None or np.array_equal(banded.alpha, expected.alpha)
