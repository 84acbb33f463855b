"""Regenerates the ImageIO test fixtures (small, committed) in this folder.

    /work/main/.venv/bin/python Tests/ImageIOTests/Fixtures/make_fixtures.py   (or .venv/bin/python)

JPEGs are written by Pillow. PNGs are written by the small writer below (zlib + CRC), because
Pillow cannot write 2/4-bit gray, 16-bit RGB(A) or Adam7-interlaced PNGs; each PNG is checked by
decoding it with Pillow. Every PNG `NAME.png` comes with `NAME.rgb`: the 8-bit RGB pixels the
decoder must produce (16-bit samples rounded to 8 bits, alpha composited over white), computed
here independently of libpng. The hostile files are built byte by byte from the good ones.
"""
import io
import struct
import zlib
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
W, H = 17, 13  # odd sizes exercise partial Adam7 blocks and partial bytes of packed rows


# ---------------------------------------------------------------- PNG writer

def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_row(samples, bit_depth):
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        byte = 0
        group = samples[i:i + per_byte]
        for j, s in enumerate(group):
            byte |= s << (8 - bit_depth * (j + 1))
        out.append(byte)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_bytes(pixels, color_type, bit_depth, interlace=False, palette=None, trns=None):
    """pixels: rows of tuples of samples (channels per colour type) or palette indices."""
    height, width = len(pixels), len(pixels[0])
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0)

    def scan(rows):
        raw = bytearray()
        for row in rows:
            raw.append(0)  # filter type None
            raw += pack_row([s for px in row for s in px], bit_depth)
        return bytes(raw)

    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = [[pixels[y][x] for x in range(x0, width, dx)] for y in range(y0, height, dy)]
            if sub and sub[0]:
                raw += scan(sub)
    else:
        raw = scan(pixels)
    body = chunk(b"IHDR", ihdr)
    if palette is not None:
        body += chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
    if trns is not None:
        body += chunk(b"tRNS", trns)
    body += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def to8(sample, bit_depth):
    if bit_depth == 16:
        return (sample * 255 + 32767) // 65535
    return sample * 255 // ((1 << bit_depth) - 1)


def over_white(rgb, alpha):
    return tuple((c * alpha + 255 * (255 - alpha) + 127) // 255 for c in rgb)


def write_png(name, pixels, color_type, bit_depth, expected, **kw):
    data = png_bytes(pixels, color_type, bit_depth, **kw)
    Image.open(io.BytesIO(data)).load()  # Pillow must accept it too
    (HERE / f"{name}.png").write_bytes(data)
    (HERE / f"{name}.rgb").write_bytes(bytes(c for row in expected for px in row for c in px))
    return data


def sample(x, y, k, bit_depth):
    top = (1 << bit_depth) - 1
    return (x * 7 + y * 13 + k * 5 + (x * y) % 3) * (top // 40 + 1) % (top + 1)


def make_pngs():
    made = {}
    for depth in (1, 2, 4, 8, 16):
        px = [[(sample(x, y, 0, depth),) for x in range(W)] for y in range(H)]
        exp = [[(to8(p[0], depth),) * 3 for p in row] for row in px]
        made[f"gray{depth}"] = write_png(f"png_gray{depth}", px, 0, depth, exp)
    for depth in (8, 16):
        px = [[tuple(sample(x, y, k, depth) for k in range(3)) for x in range(W)] for y in range(H)]
        exp = [[tuple(to8(s, depth) for s in p) for p in row] for row in px]
        made[f"rgb{depth}"] = write_png(f"png_rgb{depth}", px, 2, depth, exp)
        write_png(f"png_rgb{depth}_interlaced", px, 2, depth, exp, interlace=True)

        pxa = [[(sample(x, y, 0, depth), sample(x, y, 3, depth)) for x in range(W)] for y in range(H)]
        exp = [[over_white((to8(p[0], depth),) * 3, to8(p[1], depth)) for p in row] for row in pxa]
        write_png(f"png_gray_alpha{depth}", pxa, 4, depth, exp)

        pxr = [[tuple(sample(x, y, k, depth) for k in range(4)) for x in range(W)] for y in range(H)]
        exp = [[over_white(tuple(to8(s, depth) for s in p[:3]), to8(p[3], depth)) for p in row] for row in pxr]
        write_png(f"png_rgba{depth}", pxr, 6, depth, exp)
    px = [[(sample(x, y, 0, 16),) for x in range(W)] for y in range(H)]
    write_png("png_gray16_interlaced", px, 0, 16, [[(to8(p[0], 16),) * 3 for p in row] for row in px],
              interlace=True)
    for depth in (1, 2, 4, 8):
        count = 1 << depth
        palette = [((i * 53) % 256, (i * 97 + 40) % 256, (i * 29 + 200) % 256) for i in range(count)]
        px = [[(sample(x, y, 0, depth),) for x in range(W)] for y in range(H)]
        exp = [[palette[p[0]] for p in row] for row in px]
        write_png(f"png_palette{depth}", px, 3, depth, exp, palette=palette)
    # Palette with tRNS: entry i has alpha i * 85 for the first four entries, opaque after.
    palette = [((i * 53) % 256, (i * 97 + 40) % 256, (i * 29 + 200) % 256) for i in range(16)]
    alphas = [0, 85, 170, 255]
    px = [[(sample(x, y, 0, 4),) for x in range(W)] for y in range(H)]
    exp = [[over_white(palette[p[0]], alphas[p[0]] if p[0] < 4 else 255) for p in row] for row in px]
    write_png("png_palette4_trns", px, 3, 4, exp, palette=palette, trns=bytes(alphas), interlace=True)
    # Gray with tRNS: the sample value 0 is transparent (white after compositing).
    px = [[(sample(x, y, 0, 8),) for x in range(W)] for y in range(H)]
    exp = [[(255,) * 3 if p[0] == 0 else (p[0],) * 3 for p in row] for row in px]
    write_png("png_gray8_trns", px, 0, 8, exp, trns=struct.pack(">H", 0))
    # RGB with tRNS: the colour (0, 0, 0) is transparent.
    px = [[(0, 0, 0) if (x + y) % 5 == 0 else (x * 15, y * 19, 128) for x in range(W)] for y in range(H)]
    exp = [[(255, 255, 255) if p == (0, 0, 0) else p for p in row] for row in px]
    write_png("png_rgb8_trns", px, 2, 8, exp, trns=struct.pack(">HHH", 0, 0, 0))
    return made


# ---------------------------------------------------------------- JPEGs

def pattern(width, height):
    im = Image.new("RGB", (width, height))
    im.putdata([((x * 255) // width, (y * 255) // height, 128 + ((x // 8 + y // 8) % 2) * 60)
                for y in range(height) for x in range(width)])
    return im


def make_jpegs():
    base = pattern(64, 48)
    base.save(HERE / "baseline.jpg", quality=90)
    base.save(HERE / "progressive.jpg", quality=90, progressive=True)
    base.convert("L").save(HERE / "gray.jpg", quality=90)
    for name in ("baseline.jpg", "progressive.jpg"):  # Pillow's decode, to compare ours with
        (HERE / f"{name}.pillow.rgb").write_bytes(Image.open(HERE / name).convert("RGB").tobytes())
    # CMYK: left half pure cyan, right half 50% black. Pillow writes Adobe-style inverted CMYK.
    cmyk = Image.new("CMYK", (32, 16))
    cmyk.putdata([(255, 0, 0, 0) if x < 16 else (0, 0, 0, 128) for y in range(16) for x in range(32)])
    cmyk.save(HERE / "cmyk.jpg", quality=95)
    # Orientation o: the upright image (red block top-left, 48x32) stored so that applying o
    # makes it upright again. Pillow's exif_transpose checks the round trip.
    upright = Image.new("RGB", (48, 32), (255, 255, 255))
    upright.paste((0, 0, 255), (24, 0, 48, 32))
    upright.paste((255, 0, 0), (0, 0, 12, 12))
    inverse = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
               4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
               6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}
    from PIL import ImageOps
    for o, op in inverse.items():
        stored = upright if op is None else upright.transpose(op)
        exif = Image.Exif()
        exif[0x0112] = o
        buf = io.BytesIO()
        stored.save(buf, "JPEG", quality=95, exif=exif.tobytes())
        back = ImageOps.exif_transpose(Image.open(io.BytesIO(buf.getvalue())))
        assert back.size == (48, 32) and back.getpixel((2, 2))[0] > 200 and back.getpixel((2, 2))[2] < 60, o
        (HERE / f"orientation{o}.jpg").write_bytes(buf.getvalue())


def make_lens_jpegs():
    """EXIF lens tags as a camera writes them (Pillow's EXIF writer, not ours); the expected focal
    lengths in pixels are in Tests/ImageIOTests/ExifFocalLengthTests.swift. Only these files:
    `python -c 'import make_fixtures as m; m.make_lens_jpegs()'` from this folder."""
    from PIL.TiffImagePlugin import IFDRational
    stored = pattern(64, 48)

    def save(name, orientation, lens):
        exif = Image.Exif()
        exif[0x0112] = orientation
        sub = exif.get_ifd(0x8769)
        for tag, value in lens.items():
            sub[tag] = IFDRational(*value) if isinstance(value, tuple) else value
        buf = io.BytesIO()
        stored.save(buf, "JPEG", quality=90, exif=exif.tobytes())
        read = Image.open(io.BytesIO(buf.getvalue())).getexif().get_ifd(0x8769)
        assert float(read[0x920A]) == lens[0x920A][0] / lens[0x920A][1], read
        (HERE / name).write_bytes(buf.getvalue())

    # A phone: 4.25 mm lens, 26 mm equivalent; focal plane tags that disagree, to show the 35 mm tag wins.
    save("exif_35mm.jpg", 1, {0x920A: (425, 100), 0xA405: 26, 0xA20E: (50, 1), 0xA20F: (50, 1), 0xA210: 3})
    # No 35 mm tag: 4.8 mm over 100 pixels per cm.
    save("exif_focalplane.jpg", 1, {0x920A: (48, 10), 0xA20E: (100, 1), 0xA20F: (100, 1), 0xA210: 3})
    # Rotated (orientation 6): the upright horizontal axis is the stored Y axis (125 px/cm), and
    # the tags were written for a 128x96 original that was then resized to 64x48.
    save("exif_focalplane_rotated.jpg", 6, {0x920A: (48, 10), 0xA20E: (100, 1), 0xA20F: (125, 1), 0xA210: 3,
                                            0xA002: 128, 0xA003: 96})


# ---------------------------------------------------------------- hostile files

def progressive_gray_scans(refinement_levels):
    """A valid 8x8 grayscale progressive JPEG with 1 DC scan plus, per AC coefficient, a first
    scan at successive-approximation bit `refinement_levels` and one refinement scan per lower
    bit: 1 + 63 * (refinement_levels + 1) scans, each a single EOB symbol."""
    def seg(marker, data):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data
    out = b"\xff\xd8"
    out += seg(0xDB, b"\x00" + bytes([1] * 64))                       # DQT, all ones
    out += seg(0xC2, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01" + b"\x01\x11\x00")  # SOF2
    one_code = bytes([1] + [0] * 15) + b"\x00"                         # one symbol 0x00, code '0'
    out += seg(0xC4, b"\x00" + one_code) + seg(0xC4, b"\x10" + one_code)  # DC0, AC0
    out += seg(0xDA, b"\x01\x01\x00" + bytes([0, 0, 0x00])) + b"\x7f"  # DC first scan, diff 0
    for k in range(1, 64):
        al = refinement_levels
        out += seg(0xDA, b"\x01\x01\x00" + bytes([k, k, al])) + b"\x7f"  # AC first: EOB
        for ah in range(refinement_levels, 0, -1):
            out += seg(0xDA, b"\x01\x01\x00" + bytes([k, k, (ah << 4) | (ah - 1)])) + b"\x7f"
    return out + b"\xff\xd9"


def set_png_ihdr_size(data, width, height):
    ihdr = data[12:16] + struct.pack(">II", width, height) + data[24:29]
    return data[:8] + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]


def make_hostile(pngs):
    jpeg = (HERE / "baseline.jpg").read_bytes()
    (HERE / "hostile_truncated.jpg").write_bytes(jpeg[: len(jpeg) * 6 // 10])
    (HERE / "hostile_truncated_header.jpg").write_bytes(jpeg[:30])
    (HERE / "hostile_truncated_progressive.jpg").write_bytes((HERE / "progressive.jpg").read_bytes()[:-300])
    sos = jpeg.index(b"\xff\xda")
    corrupt = bytearray(jpeg)
    for i in range(sos + 40, sos + 140):
        corrupt[i] = 0x00 if corrupt[i] != 0xFF else 0xFF
    corrupt[sos + 60] = 0xFF
    corrupt[sos + 61] = 0xD3  # a restart marker where none belongs
    (HERE / "hostile_corrupt_data.jpg").write_bytes(bytes(corrupt))
    # SOF0 declaring 60000x60000 with the original tiny scan data.
    sof = jpeg.index(b"\xff\xc0")
    huge = jpeg[: sof + 5] + struct.pack(">HH", 60000, 60000) + jpeg[sof + 9:]
    (HERE / "hostile_huge_dimensions.jpg").write_bytes(huge)
    zero = jpeg[: sof + 5] + struct.pack(">HH", 0, 48) + jpeg[sof + 9:]
    (HERE / "hostile_zero_height.jpg").write_bytes(zero)
    (HERE / "hostile_many_scans.jpg").write_bytes(progressive_gray_scans(13))   # 883 scans
    (HERE / "progressive_64_scans.jpg").write_bytes(progressive_gray_scans(0))  # the valid control

    png = pngs["rgb8"]
    (HERE / "hostile_truncated.png").write_bytes(png[: len(png) // 2])
    (HERE / "hostile_no_iend.png").write_bytes(png[:-12])
    idat = png.index(b"IDAT")
    length = struct.unpack(">I", png[idat - 4: idat])[0]
    crc_at = idat + 4 + length
    bad = bytearray(png)
    bad[crc_at] ^= 0xFF
    (HERE / "hostile_bad_crc.png").write_bytes(bytes(bad))
    (HERE / "hostile_huge_dimensions.png").write_bytes(set_png_ihdr_size(png, 100000, 100000))
    (HERE / "hostile_zero_width.png").write_bytes(set_png_ihdr_size(png, 0, H))

    (HERE / "hostile_text.txt").write_bytes(b"this is not an image\n")
    (HERE / "hostile_empty.bin").write_bytes(b"")
    (HERE / "hostile_header.gif").write_bytes(b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x00\x00\x00;")
    (HERE / "hostile_header.bmp").write_bytes(b"BM" + struct.pack("<IHHI", 58, 0, 0, 54) + bytes(44))
    (HERE / "hostile_header.webp").write_bytes(b"RIFF" + struct.pack("<I", 20) + b"WEBPVP8 " + bytes(12))
    (HERE / "hostile_header.tif").write_bytes(b"II*\x00\x08\x00\x00\x00" + bytes(8))
    (HERE / "hostile_header.heic").write_bytes(struct.pack(">I", 24) + b"ftypheic" + bytes(12))


if __name__ == "__main__":
    pngs = make_pngs()
    make_jpegs()
    make_lens_jpegs()
    make_hostile(pngs)
    total = sum(p.stat().st_size for p in HERE.iterdir() if p.is_file())
    print(f"fixtures written to {HERE} ({total} bytes in all)")
