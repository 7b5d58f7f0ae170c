"""SPEC R16: the CrossGuard pack is built from the registry, every policy mandatory with a
kebab-case name, and importing the rules never starts the policy server."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from tap.policies.pack import build_policies
from tap.policies.registry import ALL_RULES, RESOURCE_RULES, STACK_RULES

ROOT = Path(__file__).resolve().parents[2]
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_r16_pack_holds_every_rule_once_mandatory_and_kebab_case() -> None:
    policies = build_policies()
    names = [p.name for p in policies]
    assert names == [r.name for r in ALL_RULES]
    assert len(set(names)) == len(names)
    assert all(KEBAB.match(n) for n in names)
    assert all(p.enforcement_level == EnforcementLevel.MANDATORY for p in policies)
    assert sum(isinstance(p, ResourceValidationPolicy) for p in policies) == len(RESOURCE_RULES)
    assert sum(isinstance(p, StackValidationPolicy) for p in policies) == len(STACK_RULES)
    assert all(p.description for p in policies)


def test_r16_importing_the_rules_starts_no_server() -> None:
    """In a fresh interpreter: import every rule module and build the policies; the process
    must exit at once with no thread left and nothing written (PolicyPack prints its port)."""
    code = (
        "import threading, tap.policies.registry, tap.policies.pack as p\n"
        "p.build_policies()\n"
        "print(threading.active_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "1"


def test_r16_policy_main_only_builds_the_pack_from_the_registry() -> None:
    tree = ast.parse((ROOT / "policy" / "__main__.py").read_text())
    calls = [n for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    assert len(calls) == 1
    call = calls[0].value
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "PolicyPack"
    keywords = {k.arg: k.value for k in call.keywords}
    assert isinstance(keywords["policies"], ast.Call)
    assert ast.unparse(keywords["policies"]) == "build_policies()"
    assert "MANDATORY" in ast.unparse(keywords["enforcement_level"])


def test_r16_policy_pack_manifest_runs_in_the_project_venv() -> None:
    import yaml

    manifest = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert (ROOT / "policy" / manifest["runtime"]["options"]["virtualenv"]).resolve() == ROOT / ".venv"
