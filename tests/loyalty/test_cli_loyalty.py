import json

from pos_member.cli import main
from pos_member.paths import resource


def cli(capsys, home, *args):
    code = main(["--home", str(home), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_rules_jobs_and_coupons_from_the_command_line(tmp_path, capsys):
    home = tmp_path / "home"
    assert cli(capsys, home, "init", "--store-code", "003", "--store-name", "S", "--manager-pin", "2468")[0] == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(resource("default_rules.toml").read_text().replace("max_bill_percent = 50",
                                                                       "max_bill_percent = 500"))
    code, out, err = cli(capsys, home, "rules", "check", str(bad))
    assert code == 1 and out["field"] == "redemption.max_bill_percent" and "between 0 and 100" in err
    code, out, _ = cli(capsys, home, "rules", "apply", str(resource("rules_examples", "boots_advantage.toml")),
                       "--manager-pin", "2468")
    assert code == 0 and out["version"] == 2
    code, member, _ = cli(capsys, home, "member", "add", "--name", "Ann", "--phone", "13700000001")
    code, coupon, _ = cli(capsys, home, "coupon", "issue", member["card_no"], "--template", "save10")
    assert code == 1  # Boots' rules have no such template: the error says which exist
    code, out, _ = cli(capsys, home, "jobs", "run", "--date", "2026-12-01")
    assert code == 0 and set(out) == {"date", "expiry", "tiers", "birthdays", "referrals"}
    code, out, _ = cli(capsys, home, "jobs", "run", "--date", "2026-13-01")
    assert code == 1 and out["field"] == "date"
    code, history, _ = cli(capsys, home, "tiers", member["card_no"])
    assert code == 0 and history[0]["to_tier"] == "advantage"
