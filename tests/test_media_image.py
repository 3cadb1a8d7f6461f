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
