"""ScanLoop end to end: recorded frames -> OpenCV frame source -> real decoder -> confirmer -> callbacks."""

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

from pos_member.scanner import (
    CodeConfirmer,
    OpenCVFrameSource,
    ScanLoop,
    ScanStats,
    make_decoder,
    open_frame_source,
)
from tests.scanner_frames import (
    OTHER_CODE,
    SAMPLE_CODE,
    blank_frame,
    render_qr_frame,
    write_qr_video,
    write_video,
)

HANG_GUARD_S = 10.0  # only catches a hang; speed is measured in tests/bench, not asserted here


@dataclass
class Recorder:
    """Collects what the loop reports. The callbacks run on the loop's thread."""

    codes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stats: list[ScanStats] = field(default_factory=list)
    previews: int = 0
    preview_shape: tuple[int, ...] | None = None
    first_preview: threading.Event = field(default_factory=threading.Event)
    first_code: threading.Event = field(default_factory=threading.Event)

    def on_preview(self, frame: np.ndarray) -> None:
        self.previews += 1
        self.preview_shape = frame.shape
        self.first_preview.set()

    def on_code(self, text: str) -> None:
        self.codes.append(text)
        self.first_code.set()

    def on_error(self, message: str) -> None:
        self.errors.append(message)

    def on_stats(self, stats: ScanStats) -> None:
        self.stats.append(stats)


def make_loop(
    spec: str | OpenCVFrameSource, recorder: Recorder, *, decoder: str = "zxing", **options: object
) -> ScanLoop:
    return ScanLoop(
        open_frame_source(spec) if isinstance(spec, str) else spec,
        make_decoder(decoder),
        CodeConfirmer(),
        on_preview=recorder.on_preview,
        on_code=recorder.on_code,
        on_stats=recorder.on_stats,
        on_error=recorder.on_error,
        **options,  # type: ignore[arg-type]
    )


def run_in_thread(loop: ScanLoop) -> threading.Thread:
    thread = threading.Thread(target=loop.run, name="test-scan-loop", daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("decoder", ["zxing", "pyzbar"])
def test_a_replayed_card_is_accepted_exactly_once(tmp_path: Path, decoder: str) -> None:
    video = write_qr_video(tmp_path / "card.avi", SAMPLE_CODE, blank_before=10, qr_frames=10, blank_after=10)
    recorder = Recorder()
    loop = make_loop(str(video), recorder, decoder=decoder, replay_pace=False)
    loop.run()  # returns by itself at the end of the file
    assert recorder.errors == []
    assert recorder.codes == [SAMPLE_CODE]
    assert recorder.preview_shape == (720, 1280, 3)


def test_a_paced_replay_also_accepts_the_card_once(tmp_path: Path) -> None:
    # At the file's own 50 fps, frames can be dropped while the decoder is busy; ten frames of the
    # card still give it two decoded sightings on any plausible machine.
    video = write_qr_video(tmp_path / "card.avi", blank_before=5, qr_frames=10, blank_after=5, fps=50.0)
    recorder = Recorder()
    loop = make_loop(str(video), recorder, replay_pace=True, stats_interval_s=0.05)
    loop.run()
    assert recorder.errors == []
    assert recorder.codes == [SAMPLE_CODE]
    assert recorder.stats, "on_stats was never called"
    last = recorder.stats[-1]
    assert last.frames_captured <= 20 and last.frames_decoded + last.frames_dropped <= last.frames_captured


def test_a_card_shown_twice_is_accepted_twice(tmp_path: Path) -> None:
    blank, card, other = blank_frame(), render_qr_frame(SAMPLE_CODE), render_qr_frame(OTHER_CODE)
    frames = [blank] * 3 + [card] * 6 + [blank] * 8 + [card] * 6 + [other] * 6 + [blank] * 3
    video = write_video(tmp_path / "twice.avi", frames)
    recorder = Recorder()
    make_loop(str(video), recorder, replay_pace=False).run()
    assert recorder.codes == [SAMPLE_CODE, SAMPLE_CODE, OTHER_CODE]


def test_a_card_that_stays_in_view_is_accepted_once_and_stop_is_prompt(tmp_path: Path) -> None:
    image = tmp_path / "card.png"
    cv2.imwrite(str(image), render_qr_frame(SAMPLE_CODE))
    recorder = Recorder()
    source = OpenCVFrameSource(str(image))
    loop = make_loop(source, recorder, replay_pace=True)
    thread = run_in_thread(loop)
    assert recorder.first_code.wait(HANG_GUARD_S), f"no code read; errors: {recorder.errors}"
    time.sleep(0.3)  # several more frames of the same card
    started = time.monotonic()
    loop.stop()
    assert loop.wait(HANG_GUARD_S)
    stopped_after = time.monotonic() - started
    thread.join(HANG_GUARD_S)
    assert not thread.is_alive()
    assert recorder.codes == [SAMPLE_CODE]
    assert recorder.errors == []
    assert not source.is_open, "stop() must release the source"
    print(f"stop() -> run() returned in {stopped_after * 1000:.0f} ms")


@pytest.mark.parametrize("replay_pace", [True, False])
def test_stop_ends_a_loop_on_a_still_image(tmp_path: Path, replay_pace: bool) -> None:
    image = tmp_path / "counter.png"
    cv2.imwrite(str(image), blank_frame())
    recorder = Recorder()
    loop = make_loop(str(image), recorder, replay_pace=replay_pace)
    thread = run_in_thread(loop)
    assert recorder.first_preview.wait(HANG_GUARD_S)
    loop.stop()
    assert loop.wait(HANG_GUARD_S), "run() did not return after stop()"
    thread.join(HANG_GUARD_S)
    assert not thread.is_alive()
    assert recorder.codes == [] and recorder.errors == []
    with pytest.raises(RuntimeError, match="runs once"):
        loop.run()


def test_stop_before_run_returns_at_once_and_releases_the_source(tmp_path: Path) -> None:
    image = tmp_path / "counter.png"
    cv2.imwrite(str(image), blank_frame())
    recorder = Recorder()
    source = OpenCVFrameSource(str(image))
    source.open()
    loop = make_loop(source, recorder)
    loop.stop()
    loop.run()
    assert recorder.previews == 0
    assert not source.is_open


def test_a_source_that_cannot_open_is_reported_through_on_error(tmp_path: Path) -> None:
    recorder = Recorder()
    loop = ScanLoop(
        OpenCVFrameSource(str(tmp_path / "gone.png")),
        make_decoder(),
        CodeConfirmer(),
        on_error=recorder.on_error,
        on_code=recorder.on_code,
    )
    loop.run()
    assert len(recorder.errors) == 1 and "file not found" in recorder.errors[0]
    assert loop.wait(0)


class BrokenDecoder:
    """A Decoder implementation whose library fails on every frame (not a mock: a real implementation)."""

    name = "broken"

    def decode(self, gray: np.ndarray) -> list[str]:
        raise RuntimeError("native library crashed")


def test_a_failing_decoder_is_reported_and_ends_the_loop(tmp_path: Path) -> None:
    video = write_qr_video(tmp_path / "card.avi")
    recorder = Recorder()
    loop = ScanLoop(
        open_frame_source(str(video)),
        BrokenDecoder(),
        CodeConfirmer(),
        on_error=recorder.on_error,
        replay_pace=False,
    )
    loop.run()
    assert recorder.errors == ["the broken QR decoder failed: native library crashed"]


def test_a_failing_callback_does_not_stop_scanning(tmp_path: Path) -> None:
    video = write_qr_video(tmp_path / "card.avi")
    codes: list[str] = []

    def fragile_preview(frame: np.ndarray) -> None:
        raise ValueError("a UI bug")

    loop = ScanLoop(
        open_frame_source(str(video)),
        make_decoder(),
        CodeConfirmer(),
        on_preview=fragile_preview,
        on_code=codes.append,
        replay_pace=False,
    )
    loop.run()
    assert codes == [SAMPLE_CODE]


class SlowDecoder:
    """A Decoder that takes 150 ms a frame, far longer than a 30 fps frame interval."""

    name = "slow"

    def __init__(self) -> None:
        self.calls = 0

    def decode(self, gray: np.ndarray) -> list[str]:
        self.calls += 1
        time.sleep(0.15)
        return []


def test_frames_arriving_while_the_decoder_is_busy_are_dropped_not_queued(tmp_path: Path) -> None:
    image = tmp_path / "counter.png"
    cv2.imwrite(str(image), blank_frame())
    recorder = Recorder()
    decoder = SlowDecoder()
    loop = ScanLoop(
        open_frame_source(str(image)),  # a still image is paced like a 30 fps camera
        decoder,
        CodeConfirmer(),
        on_stats=recorder.on_stats,
        replay_pace=True,
        stats_interval_s=0.1,
    )
    thread = run_in_thread(loop)
    deadline = time.monotonic() + HANG_GUARD_S
    while not any(s.frames_decoded >= 3 for s in recorder.stats) and time.monotonic() < deadline:
        time.sleep(0.05)
    loop.stop()
    assert loop.wait(HANG_GUARD_S)
    thread.join(HANG_GUARD_S)
    last = next(s for s in reversed(recorder.stats) if s.frames_decoded >= 3)
    assert last.frames_dropped > 0
    # Every captured frame was either decoded, dropped, or is the one being decoded: nothing waits in a queue.
    assert last.frames_captured - last.frames_decoded - last.frames_dropped in (0, 1)
    assert decoder.calls <= last.frames_decoded + 2
