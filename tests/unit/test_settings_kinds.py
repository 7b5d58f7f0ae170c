"""SPEC R13.1 on pydantic: each kind accepts a value in its Pulumi text form and its YAML form
and nothing looser, a rejected value is echoed as given under the key that is wrong, and the
cross checks run exactly when `parse` asks for them."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tap.errors import SettingsError
from tap.settings import KEYS, Settings, parse

# (key, value, accepted): the text Pulumi passes and the typed value YAML gives are both
# accepted; what pydantic's lax mode would coerce (a bool as a number, 3.0 as a whole number,
# 1 as a flag) is not.
FORMS = [
    ("greenMinSize", 3, True),
    ("greenMinSize", " 3 ", True),
    ("greenMinSize", True, False),
    ("greenMinSize", 3.0, False),
    ("greenMinSize", "3.0", False),
    ("albDeletionProtection", "TRUE", True),
    ("albDeletionProtection", False, True),
    ("albDeletionProtection", 1, False),
    ("albDeletionProtection", "yes", False),
    ("error5xxRatePercent", "1e-1", True),
    ("error5xxRatePercent", 2, True),
    ("error5xxRatePercent", "inf", False),
    ("error5xxRatePercent", True, False),
    ("logRetentionDays", "90", True),
    ("logRetentionDays", True, False),
    ("logRetentionDays", 90.0, False),
    ("dbLowerCaseTableNames", "0", True),
    ("dbLowerCaseTableNames", 0, False),
    ("environmentSuffix", "prod\n", False),
    ("vpcCidr", 167772160, False),
    ("migrationPhase", "seed", True),
    ("migrationPhase", 1, False),
    ("alarmEmails", ["a@example.com", "b@example.com"], True),
    ("alarmEmails", '["a@example.com"]', True),
    ("alarmEmails", {"a@example.com": 1}, False),
    ("alarmEmails", '"a@example.com"', False),
]


@pytest.mark.parametrize(("key", "value", "accepted"), FORMS, ids=[f"{k}={v!r}" for k, v, _ in FORMS])
def test_each_kind_takes_the_text_and_the_typed_form_and_nothing_looser(
    example_values: dict[str, object], key: str, value: object, accepted: bool
) -> None:
    values = {**example_values, key: value}
    if accepted:
        parse(values)
    else:
        with pytest.raises(SettingsError) as info:
            parse(values)
        assert info.value.keys == (key,)


def _problem(values: dict[str, object], key: str) -> str:
    with pytest.raises(SettingsError) as info:
        parse(values)
    [problem] = [p for p in info.value.problems if p.key == key]
    return str(problem)


def test_a_bad_list_item_is_named_by_its_index(example_values: dict[str, object]) -> None:
    raw = '["oncall@example.com", "not-an-email"]'
    text = _problem({**example_values, "alarmEmails": raw}, "alarmEmails")
    assert text.startswith(f"tap:alarmEmails = {raw!r} is not allowed: an e-mail address")
    assert "alarmEmails[1] is 'not-an-email'" in text and "alarmEmails[0]" not in text


def test_a_repeated_item_names_both_places(example_values: dict[str, object]) -> None:
    raw = ["rtb-0a11b22c", "rtb-0b22c33d", "rtb-0a11b22c"]
    text = _problem({**example_values, "devRouteTableIds": raw}, "devRouteTableIds")
    assert "no repeats" in text and "item 2 repeats item 0" in text


def test_a_range_with_host_bits_names_its_block(example_values: dict[str, object]) -> None:
    text = _problem({**example_values, "vpcCidr": "10.0.7.1/16"}, "vpcCidr")
    assert "canonical form" in text and "the block is 10.0.0.0/16" in text


def test_cross_checks_wait_until_every_value_is_valid(example_values: dict[str, object]) -> None:
    """A replica in the primary region is a cross-check problem; it is reported only once the
    bad TTL is fixed, so one mistake is never reported again as its consequences."""
    clash = {**example_values, "replicaRegion": example_values["region"]}
    with pytest.raises(SettingsError) as info:
        parse({**clash, "dnsTtlSeconds": "300"})
    assert info.value.keys == ("dnsTtlSeconds",)
    with pytest.raises(SettingsError) as info:
        parse(clash)
    assert info.value.keys == ("replicaRegion",)


def test_settings_built_in_code_are_field_validated_only(example_values: dict[str, object]) -> None:
    """The defaults (no dev instance id, no AMI) fail the cross checks, yet `Settings()` is what
    the docs read default fleet sizes from; a field edit in code is still validated."""
    assert Settings().database.dev_db_instance_id == ""
    with pytest.raises(SettingsError, match="devDbInstanceId"):
        parse({"appArtifactUri": example_values["appArtifactUri"]})  # the only default refused alone
    compute = parse(example_values).compute
    assert dataclasses.replace(compute, green_min_size=4).green_min_size == 4
    with pytest.raises(ValidationError):
        dataclasses.replace(compute, green_min_size=0)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**65), 2**65),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.text(max_size=6), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([*KEYS, "vpcCdir", "owners"]), VALUES, min_size=1, max_size=4))
def test_any_value_is_accepted_or_refused_with_problems_naming_known_or_given_keys(
    example_values: dict[str, object], changes: dict[str, object]
) -> None:
    """Nothing but a SettingsError leaves `parse` (the CLI turns it into exit 2, never a
    traceback), and an unknown key is echoed as given."""
    try:
        parse({**example_values, **changes})
    except SettingsError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.key in KEYS or problem.key in changes
            if problem.key not in KEYS:
                assert problem.value is changes[problem.key]
                assert problem.allowed.startswith("a known setting")
