"""Deterministic generator of hard-but-realistic counter-camera frames of member-card QR codes.

Each frame is what a 1280x720 USB camera looking down at a shop counter would deliver while a customer
holds up a loyalty card (or, for ``inverted``, a phone in dark mode): a cluttered counter, a printed
card in a random pose, uneven light, then the camera's own optics, sensor noise and MJPG compression.
On top of that, each frame gets one dominant degradation of its kind. The parameters below were chosen
from the physics of that setup, not to make any decoder pass; a share of frames (a glare spot on the
finder pattern, a small code under heavy defocus) is expected to be unreadable by any decoder.

Every frame
  - payload: a card text ``PM1.<13-digit card no. with Luhn digit>.<version 1-3>.<16 base32 chars>``
    (36 characters, QR version 2, error correction M, 25x25 modules), quiet zone 4 modules;
  - code width (symbol, no quiet zone) 180-400 px, uniform: module size 7.2-16 px;
  - camera: focal length 1800 px (~39 deg horizontal field of view; a 25 mm card code at 180-400 px
    is then 11-25 cm from the lens, a card held over the counter; a 35 mm phone code 16-35 cm);
  - pose: in-plane rotation +-25 deg; tilt 0-12 deg about a random axis (``perspective``: 25-45 deg);
    the code lands anywhere in the frame with its quiet zone fully inside;
  - scene: a counter of random colour with 5-9 objects and printed text around the card;
  - light: exposure 0.85-1.05, linear gradient up to +-15 % across the frame, vignetting 10-25 %;
  - card: white 225-250, ink 20-55 (printed black is never 0), a logo block and text lines;
  - optics: Gaussian blur sigma 0.5-0.9 px; sensor noise sigma 2-4 grey levels;
  - transport: JPEG quality 75-92 (most 720p USB cameras stream MJPG at 30 fps).

One dominant degradation per kind (30 frames each by default)
  - ``blur``: defocus, a disk PSF of radius 2-5 px (instead of the base optics blur);
  - ``motion_blur``: a line PSF of 4-14 px at a random angle (hand shake to a slow move at 1/60 s);
  - ``noise``: sensor noise sigma 8-18 (cheap sensor, high gain);
  - ``low_light``: exposure 0.15-0.35 of normal, read noise sigma 3-6 at that level;
  - ``glare``: the reflection of a ceiling light on the laminate: an ellipse 15-45 % of the code width
    across (minor axis 30-80 % of that) with a flat core and soft edge, blending 60-100 % toward
    white in the core (100 % clips the sensor), centred within +-30 % of the code width of its middle;
  - ``jpeg``: JPEG quality 12-35 (a starved network stream) instead of 75-92;
  - ``perspective``: tilt 25-45 deg;
  - ``inverted``: a phone in dark mode: light modules (210-240) on a dark screen (20-45), in a black
    bezel, code 35 mm wide; otherwise the base conditions.

``blank`` frames (no code, same scene and camera) measure the cost of an empty counter and misreads.
Frame ``i`` of a kind depends only on (seed, kind, i), so any frame can be regenerated alone.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from tests.scanner_frames import FRAME_HEIGHT, FRAME_WIDTH, qr_modules

KINDS: tuple[str, ...] = (
    "blur",
    "motion_blur",
    "noise",
    "low_light",
    "glare",
    "jpeg",
    "perspective",
    "inverted",
)
BLANK = "blank"
DEFAULT_SEED = 20240611
FOCAL_PX = 1800.0
CODE_PX_RANGE = (180, 400)
QUIET_MODULES = 4
CARD_CODE_MM = 25.0  # printed code width on a card
PHONE_CODE_MM = 35.0  # code width on a phone screen
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True)
class DegradedFrame:
    kind: str
    index: int
    text: str | None  # None for a blank frame
    code_px: int  # nominal symbol width before tilt; 0 for a blank frame
    bgr: np.ndarray
    params: dict[str, float] = field(default_factory=dict)

    @property
    def gray(self) -> np.ndarray:
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2GRAY)


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # doubled positions, counting from the digit left of the check digit
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def card_text(rng: np.random.Generator) -> str:
    """A realistic printed-card payload: store prefix + sequence + Luhn, card version, signature."""
    body = f"{rng.integers(1, 1000):03d}{rng.integers(1, 100):02d}{rng.integers(0, 10**7):07d}"
    signature = "".join(_BASE32[i] for i in rng.integers(0, 32, 16))
    return f"PM1.{body}{_luhn_digit(body)}.{rng.integers(1, 4)}.{signature}"


def _rng(seed: int, kind: str, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(kind.encode()), index])


def _scene(rng: np.random.Generator) -> np.ndarray:
    """A cluttered counter: a surface colour, objects (boxes, receipts, a tray) and printed text."""
    base = rng.uniform(60, 170) * rng.uniform(0.8, 1.2, 3)
    img = np.empty((FRAME_HEIGHT, FRAME_WIDTH, 3), np.uint8)
    img[:] = np.clip(base, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(5, 10))):
        x, y = int(rng.integers(-100, FRAME_WIDTH)), int(rng.integers(-100, FRAME_HEIGHT))
        w, h = int(rng.integers(60, 400)), int(rng.integers(40, 300))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.rectangle(img, (x, y), (x + w, y + h), colour, -1)
        if rng.random() < 0.6:  # printing on packaging or a receipt
            ink = (20, 20, 20) if sum(colour) > 380 else (235, 235, 235)
            for line in range(int(rng.integers(1, 5))):
                words = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(4, 12))))
                cv2.putText(img, words, (x + 8, y + 25 + 22 * line), cv2.FONT_HERSHEY_SIMPLEX,
                            float(rng.uniform(0.5, 0.9)), ink, 2, cv2.LINE_AA)  # fmt: skip
    return img.astype(np.float32)


def _card_image(
    modules: np.ndarray, rng: np.random.Generator, module_px: int, phone: bool
) -> tuple[np.ndarray, float, float, float]:
    """Render the card (or phone) face. Returns (BGR image, px per mm, code centre u, v)."""
    n = modules.shape[0]
    code_mm = PHONE_CODE_MM if phone else CARD_CODE_MM
    ppm = n * module_px / code_mm
    if phone:
        width_mm, height_mm = 72.0, 150.0  # the whole phone, bezel included
        code_cx_mm, code_cy_mm = width_mm / 2, height_mm * 0.45
    else:
        width_mm, height_mm = 85.6, 54.0  # ISO/IEC 7810 ID-1, a bank-card-sized loyalty card
        code_cx_mm, code_cy_mm = width_mm - code_mm / 2 - 6.0, height_mm / 2
    w, h = round(width_mm * ppm), round(height_mm * ppm)
    if phone:
        ground = float(rng.uniform(20, 45))
        ink = float(rng.uniform(210, 240))
        face = np.full((h, w, 3), 8, np.uint8)  # bezel; drawn in 8 bits because cv2.putText needs it
        m = round(4 * ppm)
        face[m : h - m, m : w - m] = round(ground)  # the dark screen
        cv2.putText(face, "MEMBER PASS", (round(10 * ppm), round(22 * ppm)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.12 * ppm, (ink, ink, ink), max(1, round(0.25 * ppm)), cv2.LINE_AA)  # fmt: skip
    else:
        ground = float(rng.uniform(225, 250))
        ink = float(rng.uniform(20, 55))
        face = np.empty((h, w, 3), np.uint8)
        face[:] = np.round(ground * rng.uniform(0.96, 1.0, 3))  # paper is never perfectly neutral
        logo = tuple(float(c) for c in rng.uniform(30, 200, 3))
        cv2.rectangle(face, (round(5 * ppm), round(6 * ppm)), (round(20 * ppm), round(20 * ppm)), logo, -1)
        for line in range(3):
            y = round((30 + 7 * line) * ppm)
            cv2.putText(face, "MEMBER 0010 1000" if line == 0 else "LOYALTY CLUB", (round(5 * ppm), y),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.09 * ppm, (ink, ink, ink), max(1, round(0.2 * ppm)),
                        cv2.LINE_AA)  # fmt: skip
    img = face.astype(np.float32)
    # The code and its quiet zone, in whole modules so it prints crisp.
    symbol = np.pad(modules, QUIET_MODULES, constant_values=False)
    tile = np.where(symbol, ink, ground).astype(np.float32)
    tile = cv2.resize(tile, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)
    side = tile.shape[0]
    u0, v0 = code_cx_mm * ppm, code_cy_mm * ppm
    x0, y0 = round(u0 - side / 2), round(v0 - side / 2)
    img[y0 : y0 + side, x0 : x0 + side] = tile[:, :, None]
    return img, ppm, x0 + side / 2, y0 + side / 2


def _rotation(inplane_deg: float, tilt_deg: float, axis_deg: float) -> np.ndarray:
    a = math.radians(inplane_deg)
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    axis = np.array([math.cos(math.radians(axis_deg)), math.sin(math.radians(axis_deg)), 0.0])
    rt, _ = cv2.Rodrigues(axis * math.radians(tilt_deg))
    return rt @ rz


def _place(ppm: float, u0: float, v0: float, n: int, code_px: int, code_mm: float, rng: np.random.Generator,
           tilt_range: tuple[float, float]) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:  # fmt: skip
    """Pose the card in front of the camera. Returns (homography card->frame, quiet-zone corners, params)."""
    k = np.array([[FOCAL_PX, 0, FRAME_WIDTH / 2], [0, FOCAL_PX, FRAME_HEIGHT / 2], [0, 0, 1]])
    z_mm = FOCAL_PX * code_mm / code_px
    to_mm = np.array([[1 / ppm, 0, -u0 / ppm], [0, 1 / ppm, -v0 / ppm], [0, 0, 1]])
    half = (code_mm / 2) * (1 + 2 * QUIET_MODULES / n)
    corners_mm = np.array([[-half, -half], [half, -half], [half, half], [-half, half]], np.float64)
    params = {
        "inplane_deg": float(rng.uniform(-25, 25)),
        "tilt_deg": float(rng.uniform(*tilt_range)),
        "tilt_axis_deg": float(rng.uniform(0, 180)),
        "distance_mm": z_mm,
    }
    r = _rotation(params["inplane_deg"], params["tilt_deg"], params["tilt_axis_deg"])
    for _ in range(100):
        px, py = rng.uniform(0, FRAME_WIDTH), rng.uniform(0, FRAME_HEIGHT)
        t = z_mm * np.linalg.inv(k) @ np.array([px, py, 1.0])
        plane = k @ np.column_stack([r[:, 0], r[:, 1], t])
        pts = cv2.perspectiveTransform(corners_mm[None], plane)[0]
        if (pts[:, 0].min() > 4 and pts[:, 0].max() < FRAME_WIDTH - 4
                and pts[:, 1].min() > 4 and pts[:, 1].max() < FRAME_HEIGHT - 4):  # fmt: skip
            return plane @ to_mm, pts, params
    raise RuntimeError("could not place the code inside the frame")  # cannot happen at 400 px and 45 deg


def _disk_kernel(radius: float) -> np.ndarray:
    r = math.ceil(radius)
    y, x = np.mgrid[-r : r + 1, -r : r + 1]
    kernel = np.clip(radius + 0.5 - np.hypot(x, y), 0, 1).astype(np.float32)
    return kernel / kernel.sum()


def _line_kernel(length: float, angle_deg: float) -> np.ndarray:
    size = math.ceil(length) | 1
    scale = 8  # draw large and shrink, for a smooth sub-pixel line
    canvas = np.zeros((size * scale, size * scale), np.float32)
    c, a = (size * scale) / 2, math.radians(angle_deg)
    dx, dy = math.cos(a) * length * scale / 2, math.sin(a) * length * scale / 2
    cv2.line(canvas, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, scale, cv2.LINE_AA)
    kernel = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)
    return kernel / kernel.sum()


def _light(rng: np.random.Generator, exposure: float) -> np.ndarray:
    """Exposure x a linear gradient x vignetting, as one multiplier field."""
    ys, xs = np.mgrid[0:FRAME_HEIGHT, 0:FRAME_WIDTH].astype(np.float32)
    xn, yn = xs / FRAME_WIDTH - 0.5, ys / FRAME_HEIGHT - 0.5
    gx, gy = rng.uniform(-0.3, 0.3, 2)  # up to +-15 % from centre to edge
    vignette = float(rng.uniform(0.10, 0.25))
    field = exposure * (1 + gx * xn + gy * yn) * (1 - vignette * (xn**2 + yn**2) / 0.5)
    return field[:, :, None]


def generate_frame(kind: str, index: int, seed: int = DEFAULT_SEED) -> DegradedFrame:
    if kind not in KINDS and kind != BLANK:
        raise ValueError(f"unknown kind {kind!r}")
    rng = _rng(seed, kind, index)
    frame = _scene(rng)
    params: dict[str, float] = {}
    text: str | None = None
    code_px = 0
    exposure = float(rng.uniform(0.85, 1.05))
    if kind == "low_light":
        exposure *= float(rng.uniform(0.15, 0.35))
    params["exposure"] = exposure

    if kind != BLANK:
        text = card_text(rng)
        code_px = int(rng.integers(CODE_PX_RANGE[0], CODE_PX_RANGE[1] + 1))
        phone = kind == "inverted"
        modules = qr_modules(text)
        n = modules.shape[0]
        module_px = math.ceil(code_px / n)  # render a little larger than needed; the warp shrinks it
        card, ppm, u0, v0 = _card_image(modules, rng, module_px, phone)
        tilt = (25.0, 45.0) if kind == "perspective" else (0.0, 12.0)
        h, corners, pose = _place(
            ppm, u0, v0, n, code_px, PHONE_CODE_MM if phone else CARD_CODE_MM, rng, tilt
        )
        params.update(pose)
        size = (FRAME_WIDTH, FRAME_HEIGHT)
        warped = cv2.warpPerspective(card, h, size, flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones(card.shape[:2], np.float32), h, size, flags=cv2.INTER_LINEAR)[
            :, :, None
        ]
        frame = frame * (1 - mask) + warped * mask
        if kind == "glare":
            centre = corners.mean(axis=0)
            width = float(np.linalg.norm(corners[1] - corners[0])) * n / (n + 2 * QUIET_MODULES)
            major = float(rng.uniform(0.15, 0.45)) * width / 2  # semi-axes of the reflection
            minor = major * float(rng.uniform(0.3, 0.8))
            strength = float(rng.uniform(0.6, 1.0))  # 1.0: the core clips the sensor to white
            offset = rng.uniform(-0.3, 0.3, 2) * width
            angle = math.radians(float(rng.uniform(0, 180)))
            ys, xs = np.mgrid[0:FRAME_HEIGHT, 0:FRAME_WIDTH].astype(np.float32)
            dx, dy = xs - (centre[0] + offset[0]), ys - (centre[1] + offset[1])
            u = dx * math.cos(angle) + dy * math.sin(angle)
            v = -dx * math.sin(angle) + dy * math.cos(angle)
            # A flat-topped profile (super-Gaussian): the mirror image of a light fixture has a
            # uniform core and soft edges, unlike a Gaussian's single bright point.
            spot = strength * np.exp(-(((u / major) ** 2 + (v / minor) ** 2) ** 2))[:, :, None]
            params.update(glare_strength=strength, glare_width_px=2 * major)
            # Specular light is added on top of the scene light, so it is applied after the light field.
            frame = frame * _light(rng, exposure)
            frame = frame + (255 - np.clip(frame, 0, 255)) * spot
        else:
            frame = frame * _light(rng, exposure)
    else:
        frame = frame * _light(rng, exposure)

    # Optics.
    if kind == "blur":
        radius = float(rng.uniform(2.0, 5.0))
        params["defocus_radius_px"] = radius
        frame = cv2.filter2D(frame, -1, _disk_kernel(radius))
    else:
        sigma = float(rng.uniform(0.5, 0.9))
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    if kind == "motion_blur":
        length, angle = float(rng.uniform(4, 14)), float(rng.uniform(0, 180))
        params.update(motion_px=length, motion_angle_deg=angle)
        frame = cv2.filter2D(frame, -1, _line_kernel(length, angle))

    # Sensor.
    if kind == "noise":
        noise_sigma = float(rng.uniform(8, 18))
    elif kind == "low_light":
        noise_sigma = float(rng.uniform(3, 6))
    else:
        noise_sigma = float(rng.uniform(2, 4))
    params["noise_sigma"] = noise_sigma
    frame = frame + rng.standard_normal(frame.shape, dtype=np.float32) * noise_sigma
    frame_u8 = np.clip(frame + 0.5, 0, 255).astype(np.uint8)

    # Transport: the camera's MJPG stream.
    quality = int(rng.integers(12, 36)) if kind == "jpeg" else int(rng.integers(75, 93))
    params["jpeg_quality"] = quality
    ok, buf = cv2.imencode(".jpg", frame_u8, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return DegradedFrame(kind=kind, index=index, text=text, code_px=code_px, bgr=bgr, params=params)


def iter_frames(per_kind: int = 30, seed: int = DEFAULT_SEED, blanks: int = 24) -> Iterator[DegradedFrame]:
    """All kinds, ``per_kind`` frames each, then ``blanks`` frames with no code."""
    for kind in KINDS:
        for i in range(per_kind):
            yield generate_frame(kind, i, seed)
    for i in range(blanks):
        yield generate_frame(BLANK, i, seed)
