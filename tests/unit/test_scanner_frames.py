"""Frame sources opened from settings strings, on real files written to a temp dir."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from pos_member.scanner import FrameSource, FrameSourceError, OpenCVFrameSource, open_frame_source
from tests.scanner_frames import FRAME_HEIGHT, FRAME_WIDTH, SAMPLE_CODE, render_qr_frame, write_qr_video


def read_all(source: FrameSource, limit: int = 1000) -> list[np.ndarray]:
    frames = []
    while len(frames) < limit and (frame := source.read()) is not None:
        frames.append(frame)
    return frames


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-recording.avi"
    with pytest.raises(FrameSourceError, match="file not found") as info:
        open_frame_source(str(missing))
    assert str(missing) in info.value.message


def test_a_file_that_is_neither_image_nor_video_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.avi"
    junk.write_text("this is not a video\n" * 50)
    with pytest.raises(FrameSourceError, match="cannot open the video file"):
        open_frame_source(str(junk))


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FrameSourceError, match="not a file"):
        open_frame_source(str(tmp_path))


def test_an_empty_spec_is_refused() -> None:
    with pytest.raises(FrameSourceError, match="no camera or file"):
        open_frame_source("  ")


def test_a_camera_index_that_does_not_exist() -> None:
    with pytest.raises(FrameSourceError, match="no camera at index 97"):
        open_frame_source("97")


def test_a_stream_url_password_never_reaches_the_description() -> None:
    source = OpenCVFrameSource("rtsp://till:s3cret@192.0.2.10:554/counter")
    assert source.kind == "stream"
    assert "s3cret" not in source.description
    assert "192.0.2.10" in source.description


def test_a_video_file_replays_every_frame_then_ends(tmp_path: Path) -> None:
    path = write_qr_video(tmp_path / "counter.avi", blank_before=3, qr_frames=4, blank_after=2, fps=20.0)
    source = open_frame_source(str(path))
    try:
        assert isinstance(source, FrameSource)
        assert source.frame_interval_s == pytest.approx(1 / 20)
        frames = read_all(source)
        assert len(frames) == 9
        assert all(f.shape == (FRAME_HEIGHT, FRAME_WIDTH, 3) and f.dtype == np.uint8 for f in frames)
        assert source.read() is None
    finally:
        source.close()
    assert source.read() is None  # closed: no frames, no crash
    source.close()  # idempotent


def test_a_still_image_repeats_as_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    image = render_qr_frame(SAMPLE_CODE)
    assert cv2.imwrite(str(path), image)
    source = open_frame_source(str(path))
    try:
        assert source.frame_interval_s > 0  # paced like a camera, never "live"
        frames = read_all(source, limit=5)
        assert len(frames) == 5
        assert all(np.array_equal(f, image) for f in frames)
        frames[0][:] = 0  # a consumer drawing on a frame must not change the next one
        next_frame = source.read()
        assert next_frame is not None and np.array_equal(next_frame, image)
    finally:
        source.close()


def test_open_is_idempotent_and_reopens_after_close(tmp_path: Path) -> None:
    path = write_qr_video(tmp_path / "short.avi", blank_before=2, qr_frames=0, blank_after=0)
    source = OpenCVFrameSource(str(path))
    assert source.read() is None  # not opened yet
    source.open()
    source.open()
    assert len(read_all(source)) == 2
    source.close()
    source.open()
    assert len(read_all(source)) == 2
    source.close()
