"""Import rules from ARCHITECTURE.md, checked in a fresh interpreter each."""

import subprocess
import sys

import pytest

from pos_member.storage.schema import HEAD_REVISION, known_revisions

NON_UI = ["pos_member.domain.quote", "pos_member.domain.codes", "pos_member.domain.refund",
          "pos_member.storage.engine", "pos_member.services.checkout", "pos_member.services.refunds",
          "pos_member.services.demo", "pos_member.cli_commands", "pos_member.scanner",
          "pos_member.receipts.model", "pos_member.receipts.escpos_out"]


@pytest.mark.parametrize("module", NON_UI)
def test_non_ui_packages_never_load_qt(module):
    code = f"import sys, {module}; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_domain_uses_only_the_standard_library():
    code = ("import sys; before = set(sys.modules); "
            "import pos_member.domain.quote, pos_member.domain.codes, pos_member.domain.refund, "
            "pos_member.domain.cards, pos_member.domain.cardno; "
            "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
            "print(sorted(n for n in new if n not in sys.stdlib_module_names and n != 'pos_member'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_head_revision_constant_matches_alembic():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from pos_member.storage.schema import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]
    assert HEAD_REVISION in known_revisions()
