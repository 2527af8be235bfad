"""The confirmation rules: accept after N consecutive frames, then a cooldown until the code has left view."""

import pytest

from pos_member.scanner import CodeConfirmer

A = "PM1.0010100000017.1.ABCDEFGHIJKLMNOP"
B = "PM1.0010100000025.2.QRSTUVWXYZ234567"


def feed_many(confirmer: CodeConfirmer, frames: list[list[str]]) -> list[list[str]]:
    return [confirmer.feed(texts) for texts in frames]


def test_accepted_on_the_second_consecutive_frame() -> None:
    confirmer = CodeConfirmer()
    assert confirmer.feed([A]) == []
    assert confirmer.feed([A]) == [A]


def test_a_single_sighting_is_never_accepted() -> None:
    confirmer = CodeConfirmer()
    assert feed_many(confirmer, [[A], [], [A], [], [A], []]) == [[]] * 6


def test_streak_must_be_consecutive() -> None:
    confirmer = CodeConfirmer(frames_needed=3)
    assert feed_many(confirmer, [[A], [A], [], [A], [A]]) == [[], [], [], [], []]
    assert confirmer.feed([A]) == [A]


def test_ignored_while_it_stays_in_view() -> None:
    confirmer = CodeConfirmer()
    results = feed_many(confirmer, [[A]] * 200)
    assert results[1] == [A]
    assert sum(len(r) for r in results) == 1
    assert confirmer.is_cooling(A)


def test_short_absence_does_not_end_the_cooldown() -> None:
    confirmer = CodeConfirmer(frames_needed=2, absent_frames_to_clear=5)
    feed_many(confirmer, [[A], [A]])
    # Gone for 4 frames (a hand passing over the card, a missed read), back again: still the same presentation.
    assert feed_many(confirmer, [[]] * 4 + [[A]] * 3) == [[]] * 7
    # Absence counting restarted when it was seen again, so 4 more absent frames are still not enough.
    assert feed_many(confirmer, [[]] * 4 + [[A]] * 2) == [[]] * 6


def test_accepted_again_after_leaving_view() -> None:
    confirmer = CodeConfirmer(frames_needed=2, absent_frames_to_clear=5)
    assert feed_many(confirmer, [[A], [A]]) == [[], [A]]
    assert feed_many(confirmer, [[]] * 5) == [[]] * 5
    assert not confirmer.is_cooling(A)
    # A fresh presentation still needs its own two frames.
    assert feed_many(confirmer, [[A], [A], [A]]) == [[], [A], []]


def test_codes_are_tracked_independently() -> None:
    confirmer = CodeConfirmer()
    assert confirmer.feed([A]) == []
    assert confirmer.feed([A, B]) == [A]
    assert confirmer.feed([B, A]) == [B]
    assert confirmer.feed([A, B]) == []


def test_two_codes_in_the_same_frames_are_both_accepted_in_order() -> None:
    confirmer = CodeConfirmer()
    confirmer.feed([B, A])
    assert confirmer.feed([B, A]) == [B, A]


def test_duplicates_and_empty_texts_within_a_frame_count_once() -> None:
    confirmer = CodeConfirmer(frames_needed=2)
    assert confirmer.feed([A, A, ""]) == []
    assert confirmer.feed([A]) == [A]


def test_frames_needed_one_accepts_immediately() -> None:
    confirmer = CodeConfirmer(frames_needed=1, absent_frames_to_clear=1)
    assert feed_many(confirmer, [[A], [A], [], [A]]) == [[A], [], [], [A]]


def test_reset_forgets_cooldown_and_streaks() -> None:
    confirmer = CodeConfirmer()
    feed_many(confirmer, [[A], [A], [B]])
    confirmer.reset()
    assert not confirmer.is_cooling(A)
    assert confirmer.feed([B]) == []  # B's streak of one was forgotten too
    assert feed_many(confirmer, [[A], [A]]) == [[], [A]]


@pytest.mark.parametrize(("needed", "absent"), [(0, 5), (2, 0), (-1, -1)])
def test_rejects_nonsense_settings(needed: int, absent: int) -> None:
    with pytest.raises(ValueError):
        CodeConfirmer(frames_needed=needed, absent_frames_to_clear=absent)
