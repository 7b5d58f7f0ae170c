"""`python -m tap.docs [--write]`: regenerate (or, by default, check) every generated document:
the README's and the runbook's generated sections, docs/cost.md, docs/outputs.md and
docs/policies.md. Exit 1 when a file is out of date and --write was not given."""

from __future__ import annotations

import argparse
import sys

from tap.docs.generate import artefacts, example_plans
from tap.errors import TapError
from tap.offline.config_file import find_example


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tap.docs", description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite files that are out of date")
    args = parser.parse_args(argv)
    try:
        root = find_example().parent
        stale = [a for a in artefacts(root, example_plans()) if a.stale]
    except TapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    for a in stale:
        if args.write:
            a.path.parent.mkdir(parents=True, exist_ok=True)
            a.path.write_text(a.expected, encoding="utf-8")
            print(f"wrote {a.path}")
        else:
            print(f"out of date: {a.path} (run: python -m tap.docs --write)")
    return 0 if args.write or not stale else 1


if __name__ == "__main__":
    sys.exit(main())
