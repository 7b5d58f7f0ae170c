"""One home per concern (issue 15), read from the source with `ast`: Pulumi type tokens are
named only in `tap.aws_types`, and no boto3 client is annotated `Any` (types-boto3 types them;
`tap.aws_clients.AwsClients.client` hands each out under its stub type)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

SRC = ROOT / "src" / "tap"
TOKEN = re.compile(r"aws:[a-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+")
# The names tap gives boto3 clients (parameters, attributes, locals).
CLIENT_NAMES = re.compile(
    r"(^|_)(client|ec2|elbv2|autoscaling|rds|ssm|route53|r53|cloudwatch|secretsmanager|dynamodb|kms|"
    r"iam|s3|sns|acm)$"
)


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(), str(path))


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the string constants that are docstrings (prose may name a token)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def inline_tokens(path: Path, tree: ast.Module) -> list[str]:
    prose = _docstrings(tree)
    return [
        f"{path.relative_to(SRC)}:{node.lineno} {node.value}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and TOKEN.fullmatch(node.value)
    ]


def any_typed_clients(path: Path, tree: ast.Module) -> list[str]:
    def is_any(annotation: ast.expr | None) -> bool:
        return isinstance(annotation, ast.Name) and annotation.id == "Any"

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and is_any(node.annotation) and CLIENT_NAMES.search(node.arg):
            found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.arg}")
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and is_any(node.annotation)
            and CLIENT_NAMES.search(node.target.id)
        ):
            found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.target.id}")
    return found


def test_type_tokens_are_named_only_in_aws_types() -> None:
    found = [
        hit for path, tree in _modules() if path.name != "aws_types.py" for hit in inline_tokens(path, tree)
    ]
    assert found == []


def test_aws_types_names_each_token_once() -> None:
    tree = ast.parse((SRC / "aws_types.py").read_text())
    tokens = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    tokens = [v for v in tokens if TOKEN.fullmatch(v)]
    assert len(tokens) > 50 and len(tokens) == len(set(tokens))


def test_no_boto3_client_is_typed_any() -> None:
    assert [hit for path, tree in _modules() for hit in any_typed_clients(path, tree)] == []


def test_the_scans_see_what_they_look_for() -> None:
    """The checks above would fail on the code they forbid."""
    tree = ast.parse('def f(route53: Any) -> None:\n    x = "aws:ec2/vpc:Vpc"\n')
    assert any_typed_clients(SRC / "x.py", tree) == ["x.py:1 route53"]
    assert inline_tokens(SRC / "x.py", tree) == ["x.py:2 aws:ec2/vpc:Vpc"]
