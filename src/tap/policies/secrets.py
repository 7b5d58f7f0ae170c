"""No plaintext secret in any input (SPEC R5.5, R16): inputs end up in Pulumi state and in
every plan, diff and CI log, so a literal password or AWS secret key in one is a leak.

Three shapes are caught: a password-like input holding a literal value, anything shaped like
an AWS access key, and literal secrets written into instance user data."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN
from tap.policies.rules import ANY_TYPE, Report, Resource, resource_rule

# Input names that hold a secret value (not a reference to one: `secretArn`, `masterUserSecret...`
# and `manageMasterUserPassword` name or manage a secret without containing it).
SECRET_KEY = re.compile(
    r"(password|passwd|passphrase|secretstring|secretkey|secretaccesskey|privatekey|apikey|authtoken|clientsecret)$",
    re.IGNORECASE,
)
# Names that end like a secret but manage one instead of holding it (their values are flags).
NOT_A_SECRET = re.compile(r"^(manage|reset|require|generate|allow|enable)", re.IGNORECASE)
ACCESS_KEY_ID = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")
SECRET_ACCESS_KEY = re.compile(r"(?i)aws_?secret_?access_?key\s*[=:]\s*['\"]?[A-Za-z0-9/+]{40}")
# `NAME=value` / `name: value` in a script, where NAME ends in a secret word and the value is a
# literal (not `$VAR` or `$(command)`, which read the secret at boot).
SCRIPT_SECRET = re.compile(
    r"(?im)\b([\w-]*(?:password|passwd|secret|token|apikey|api_key))\s*[=:]\s*['\"]?(?!\$)([^\s'\"]{4,})"
)
USER_DATA_TYPES = (t.LAUNCH_TEMPLATE, t.INSTANCE)


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def _leaf(path: str) -> str:
    return re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])


@resource_rule(
    "no-plaintext-secrets",
    "No input holds a literal password, secret string or AWS secret key.",
    "R5.5, R16",
    ANY_TYPE,
)
def no_plaintext_secrets(r: Resource, report: Report) -> None:
    # SecureString hides the value in the console, not in the program or the state.
    secure = r.get("value")
    if r.type == t.SSM_PARAMETER and r.get("type") == "SecureString" and isinstance(secure, str) and secure:
        report(f"{r.label} holds a literal SecureString value; let the owning service write it at run time")
    for path, v in _walk(r.props):
        if v is UNKNOWN or not isinstance(v, str) or not v:
            continue
        leaf = _leaf(path)
        if SECRET_KEY.search(leaf) and not NOT_A_SECRET.search(leaf):
            report(f"{r.label} input {path} holds a literal secret; read it from Secrets Manager at run time")
        elif ACCESS_KEY_ID.search(v) or SECRET_ACCESS_KEY.search(v):
            report(f"{r.label} input {path} holds something shaped like an AWS access key")


def _decoded(user_data: str) -> str:
    try:
        return base64.b64decode(user_data, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return user_data


@resource_rule(
    "no-secrets-in-user-data",
    "Instance user data reads secrets at boot (SSM, Secrets Manager, IAM auth) and holds none.",
    "R5.5, R6.2",
    *USER_DATA_TYPES,
)
def no_secrets_in_user_data(r: Resource, report: Report) -> None:
    user_data = r.get("userData")
    if not isinstance(user_data, str) or not user_data:
        user_data = r.get("userDataBase64")  # aws.ec2.Instance's already-encoded form
    if not isinstance(user_data, str) or not user_data:
        return
    text = _decoded(user_data)
    for m in SCRIPT_SECRET.finditer(text):
        report(f"{r.label} user data sets {m.group(1)} to a literal value")
    if ACCESS_KEY_ID.search(text) or SECRET_ACCESS_KEY.search(text):
        report(f"{r.label} user data holds an AWS access key")


RULES = [no_plaintext_secrets, no_secrets_in_user_data]
