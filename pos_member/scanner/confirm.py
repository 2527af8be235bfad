"""Turn a stream of per-frame decode results into "a code was presented" events.

Two problems, one class:
- a single-frame read can be a misread or a code glimpsed while the card swings past, so a code
  must be seen in ``frames_needed`` consecutive decoded frames before it counts;
- a card held in front of the camera is read 10-30 times a second, but the cashier presented it
  once, so after acceptance the code is ignored until it has been out of view for
  ``absent_frames_to_clear`` consecutive decoded frames.

Counting is in frames, not seconds, on purpose: no clock means the rules are deterministic and the
tests need no sleeps. "Frames" are the frames that were actually decoded; frames the scan loop
dropped because the decoder was busy were never seen and do not count either way.
"""

from __future__ import annotations


class CodeConfirmer:
    """Not thread-safe: feed it from one thread (the scan loop's)."""

    def __init__(self, frames_needed: int = 2, absent_frames_to_clear: int = 5) -> None:
        if frames_needed < 1:
            raise ValueError("frames_needed must be at least 1")
        if absent_frames_to_clear < 1:
            raise ValueError("absent_frames_to_clear must be at least 1")
        self.frames_needed = frames_needed
        self.absent_frames_to_clear = absent_frames_to_clear
        # Candidates: code -> consecutive frames seen so far (only codes in the latest frame).
        self._streaks: dict[str, int] = {}
        # Accepted codes in cooldown: code -> consecutive frames it has been absent.
        self._cooling: dict[str, int] = {}

    def feed(self, texts: list[str]) -> list[str]:
        """Record one decoded frame's codes; return the codes accepted on this frame, in order seen."""
        present = dict.fromkeys(t for t in texts if t)  # de-duplicated, order kept

        # Cooldown: any sighting restarts the absence count; enough absence releases the code.
        for code in list(self._cooling):
            if code in present:
                self._cooling[code] = 0
            else:
                self._cooling[code] += 1
                if self._cooling[code] >= self.absent_frames_to_clear:
                    del self._cooling[code]

        # Streaks must be consecutive: a code missing from this frame starts from zero next time.
        # Keeping only present codes also bounds memory, whatever stream of texts arrives.
        self._streaks = {code: n for code, n in self._streaks.items() if code in present}

        accepted: list[str] = []
        for code in present:
            if code in self._cooling:
                continue
            seen = self._streaks.get(code, 0) + 1
            if seen >= self.frames_needed:
                accepted.append(code)
                self._streaks.pop(code, None)
                self._cooling[code] = 0
            else:
                self._streaks[code] = seen
        return accepted

    def reset(self) -> None:
        """Forget everything, e.g. when the sale is finished and the same card may be shown again."""
        self._streaks.clear()
        self._cooling.clear()

    def is_cooling(self, code: str) -> bool:
        """True while an accepted code is being ignored (useful for a UI hint like "already scanned")."""
        return code in self._cooling
