"""The Chinese catalogue is complete: no unfinished entry, and each translation keeps its source's {names}."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pos_member.paths import resource

TS = resource("translations", "pos_member_zh_CN.ts")
_NAMES = re.compile(r"\{[a-z_0-9]*\}")


def _messages() -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(TS).getroot()
    return [(context.findtext("name") or "", message.findtext("source") or "", message.find("translation"))
            for context in root.iter("context") for message in context.iter("message")]


def test_no_entry_is_unfinished_or_empty():
    unfinished = [(ctx, source) for ctx, source, tr in _messages()
                  if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or not (tr.text or "")]
    assert unfinished == []


def test_every_translation_keeps_the_figures_of_its_source():
    for ctx, source, tr in _messages():
        assert sorted(_NAMES.findall(source)) == sorted(_NAMES.findall(tr.text or "")), (ctx, source)
