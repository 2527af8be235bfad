from pathlib import Path

import pytest

from pos_member.services import members
from pos_member.services.rules_admin import apply_rules
from tests.conftest import MANAGER_PIN
from tests.loyalty.rules_text import rules_text


@pytest.fixture
def apply(store, tmp_path):
    """Apply a rules document built from rules_text(**parts) to the test store."""
    counter = iter(range(1000))

    def _apply(**parts) -> None:
        path = Path(tmp_path) / f"rules-{next(counter)}.toml"
        path.write_text(rules_text(label=path.stem, **parts), encoding="utf-8")
        apply_rules(store, path, MANAGER_PIN)

    return _apply


@pytest.fixture
def member(store):
    return members.register_member(store, "会员", "13800001234", birthday="1990-03-15")
