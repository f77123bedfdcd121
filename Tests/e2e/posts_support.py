"""Helpers for the posts e2e tests: test images made with Pillow (JPEG with EXIF GPS, sized
JPEGs, a PNG decompression bomb) and API shortcuts."""

import io
import random
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825


def jpeg(seed: int = 0, size=(640, 480), gps: bool = True, orientation: int = None, quality: int = 90) -> bytes:
    """A JPEG of coloured noise, with EXIF GPS coordinates (and a camera model) unless gps=False."""
    rnd = random.Random(seed)
    img = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    exif = Image.Exif()
    exif[0x0110] = "CorkCam 3000"          # Model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def jpeg_near(target: int, seed: int = 0) -> bytes:
    """A real JPEG of just under `target` bytes (noise, so the size is predictable)."""
    w = 1000
    data = jpeg(seed, (w, w * 3 // 4), gps=True, quality=92)
    while len(data) > target or len(data) < target * 0.9:
        w = int(w * (target / len(data)) ** 0.5 * (0.98 if len(data) > target else 1.0))
        data = jpeg(seed, (w, w * 3 // 4), gps=True, quality=92)
        if len(data) <= target and len(data) >= target * 0.9:
            break
    return data


def png(seed: int = 0, size=(300, 200)) -> bytes:
    rnd = random.Random(seed)
    img = Image.frombytes("RGBA", size, rnd.randbytes(size[0] * size[1] * 4))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def webp(seed: int = 0, size=(300, 200)) -> bytes:
    rnd = random.Random(seed)
    img = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    img.save(out, "WEBP", quality=80)
    return out.getvalue()


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header says width × height (1-bit grey, all zero): ~100 KB on disk,
    900 megapixels decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle cx="50" cy="50" r="40"/></svg>'


def exif_of(data: bytes) -> dict:
    """The EXIF tags Pillow finds in image bytes (empty when stripped), GPS IFD included."""
    img = Image.open(io.BytesIO(data))
    exif = img.getexif()
    tags = dict(exif)
    gps = exif.get_ifd(GPS_IFD)
    if gps:
        tags["GPS"] = dict(gps)
    return tags


def post_fields(**over) -> dict:
    """A valid post body for the API."""
    n = random.randrange(10**9)
    body = {
        "title": f"Test bike {n}",
        "description": f"A fine bike, number {n}.\n\nSecond paragraph <b>not bold</b>.",
        "price_minor": 12500,
        "city": "lisbon",
        "neighbourhood": "alfama",
        "category": "bikes",
        "location_text": "near the tram stop",
    }
    body.update(over)
    return body


def multipart_fields(fields: dict) -> list:
    """Text parts for requests' `files=` list (None file name = a plain field)."""
    out = []
    for k, v in fields.items():
        if v is None:
            continue
        out.append((k, (None, str(v))))
    return out


def upload(session, stack, data: bytes, name: str = "p.jpg", ctype: str = "image/jpeg"):
    return session.post(stack.url("/api/photos"), files=[("photo", (name, data, ctype))], timeout=60)


def verified_session(stack):
    """A new verified user's API session (its email and password as attributes); close it."""
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    s.email, s.password = email, password
    return s
