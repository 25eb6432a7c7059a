"""Config rules: found by file name, one stable ID each, every message citing it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from modules.config.semantics import RULE_FILES, all_rules, gather, rule_modules
from modules.core.rules import RULE_ID, RuleError, rule
from tests.support import ROOT

DECORATED = re.compile(r"^@rule\(", re.MULTILINE)


def test_rules_have_stable_well_formed_ids_and_say_what_they_ask() -> None:
    rules = all_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids)) >= 39  # every rule the concerns had before discovery
    assert all(RULE_ID.match(rule_id) for rule_id in ids)
    undocumented = [f"{r.module}.{r.name}" for r in rules if not (r.function.__doc__ or "").strip()]
    assert undocumented == [], "rules without a docstring (docs list it): " + ", ".join(undocumented)


def test_every_file_that_declares_a_rule_is_one_discovery_reads() -> None:
    declaring = {
        path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
        for path in (ROOT / "modules").rglob("*.py")
        if path.parent.name != "core" and DECORATED.search(path.read_text())
    }
    assert declaring, "no @rule found: the pattern no longer matches the code"
    assert declaring <= set(rule_modules()), f"rules outside {RULE_FILES} are never run"
    assert {rule.module for rule in all_rules()} == declaring


def test_messages_end_with_the_rule_id() -> None:
    @rule("LZ_RULE_TST_001")
    def always(estate: object) -> list[object]:
        from modules.core.findings import Finding

        return [Finding("organization", ("name",), "broken (expected whole)")]

    (finding,) = list(always(None))
    assert finding.message == "broken (expected whole) [LZ_RULE_TST_001]"


@pytest.mark.parametrize("bad", ["LZ_NET_001", "LZ_RULE_NETWORK_001", "lz_rule_net_001", "LZ_RULE_NET_1"])
def test_malformed_ids_are_refused(bad: str) -> None:
    with pytest.raises(RuleError, match="must look like LZ_RULE_<AREA>_<NNN>"):
        rule(bad)


def test_one_id_for_two_rules_stops_the_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = 'from modules.core.rules import rule\n\n@rule("LZ_RULE_TST_001")\ndef {name}(e):\n    return []\n'
    package = tmp_path / "lz_rules_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "rules.py").write_text(body.format(name="first"))
    (package / "other_rules.py").write_text(body.format(name="second"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lz_rules_probe", raising=False)
    with pytest.raises(RuleError, match="LZ_RULE_TST_001 is declared twice"):
        gather(["lz_rules_probe.rules", "lz_rules_probe.other_rules"])
    (single,) = gather(["lz_rules_probe.rules"])
    assert (single.id, single.name) == ("LZ_RULE_TST_001", "first")


def test_the_reference_lists_every_rule() -> None:
    reference = (ROOT / "docs" / "configuration.md").read_text()
    missing = [r.id for r in all_rules() if f"| {r.id} |" not in reference]
    assert missing == [], "run `uv run lz docs`: " + ", ".join(missing)


# Rules no edit of the YAML alone can trigger, and where they are proven instead.
NOT_REACHABLE_FROM_YAML = {
    # a broken template in policies/permission_sets/: tests/identity_center/test_rules.py
    "LZ_RULE_IDC_004",
}


def test_every_rule_has_a_bad_config_case_that_cites_it() -> None:
    cited = {
        rule_id
        for expected in (ROOT / "tests" / "config" / "cases").glob("*/expected.txt")
        for rule_id in re.findall(r"\[(LZ_RULE_[A-Z]{3}_\d{3})\]", expected.read_text(encoding="utf-8"))
    }
    uncited = sorted({r.id for r in all_rules()} - cited - NOT_REACHABLE_FROM_YAML)
    assert uncited == [], "add a folder under tests/config/cases/ for: " + ", ".join(uncited)
    assert NOT_REACHABLE_FROM_YAML.isdisjoint(cited), "reachable after all: remove it from the list"
