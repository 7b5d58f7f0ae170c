"""`python -m tap.policies.docs > docs/policies.md` regenerates the rule reference."""

from __future__ import annotations

import sys

from tap.policies.registry import reference_markdown

if __name__ == "__main__":
    sys.stdout.write(reference_markdown())
