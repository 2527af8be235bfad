"""Both decoders on generated member-card codes composited into camera-sized frames."""

import cv2
import numpy as np
import pytest

from pos_member.scanner import (
    DEFAULT_DECODER,
    Decoder,
    DecoderUnavailable,
    available_decoders,
    make_decoder,
)
from tests.scanner_frames import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    OTHER_CODE,
    SAMPLE_CODE,
    blank_frame,
    render_qr_frame,
)

DECODERS = ["zxing", "pyzbar"]


def build(name: str) -> Decoder:
    try:
        return make_decoder(name)
    except DecoderUnavailable as exc:  # pyzbar needs the system libzbar0 package
        pytest.fail(f"decoder {name} is a project dependency but cannot be built here: {exc}")


def gray(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


@pytest.mark.parametrize("name", DECODERS)
@pytest.mark.parametrize(("size_px", "center"), [(300, None), (180, (200, 150)), (400, (900, 450))])
def test_reads_a_card_code_in_a_720p_frame(name: str, size_px: int, center: tuple[int, int] | None) -> None:
    frame = render_qr_frame(SAMPLE_CODE, size_px=size_px, center=center)
    assert frame.shape == (FRAME_HEIGHT, FRAME_WIDTH, 3)
    assert build(name).decode(gray(frame)) == [SAMPLE_CODE]


@pytest.mark.parametrize("name", DECODERS)
def test_reads_an_inverted_code(name: str) -> None:
    frame = render_qr_frame(SAMPLE_CODE, invert=True)
    assert build(name).decode(gray(frame)) == [SAMPLE_CODE]


@pytest.mark.parametrize("name", DECODERS)
def test_reads_a_rotated_code(name: str) -> None:
    frame = cv2.rotate(render_qr_frame(SAMPLE_CODE), cv2.ROTATE_90_CLOCKWISE)
    assert build(name).decode(gray(frame)) == [SAMPLE_CODE]


@pytest.mark.parametrize("name", DECODERS)
def test_reads_two_codes_in_one_frame(name: str) -> None:
    frame = render_qr_frame([SAMPLE_CODE, OTHER_CODE], size_px=220)
    assert sorted(build(name).decode(gray(frame))) == sorted([SAMPLE_CODE, OTHER_CODE])


@pytest.mark.parametrize("name", DECODERS)
def test_an_empty_counter_reads_nothing(name: str) -> None:
    assert build(name).decode(gray(blank_frame())) == []


@pytest.mark.parametrize("name", DECODERS)
def test_a_strided_view_is_accepted(name: str) -> None:
    # A crop of a frame is not contiguous in memory; the decoder must cope.
    frame = gray(render_qr_frame(SAMPLE_CODE, center=(400, 360)))
    crop = frame[100:620, 100:800]
    assert not crop.flags["C_CONTIGUOUS"]
    assert build(name).decode(crop) == [SAMPLE_CODE]


@pytest.mark.parametrize("name", DECODERS)
def test_colour_input_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="single-channel"):
        build(name).decode(render_qr_frame(SAMPLE_CODE))


def test_the_default_decoder_is_zxing_and_both_are_available() -> None:
    assert DEFAULT_DECODER == "zxing"
    assert make_decoder().name == "zxing"
    assert make_decoder(" PyZbar ").name == "pyzbar"
    assert available_decoders() == ["zxing", "pyzbar"]


def test_an_unknown_decoder_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown QR decoder 'quagga'.*zxing, pyzbar"):
        make_decoder("quagga")
