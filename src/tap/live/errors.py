"""Errors of the live reader."""

from __future__ import annotations

from tap.errors import TapError


class LiveReadError(TapError):
    """The flat outputs or the AWS account do not hold what the stack should have created."""

    exit_code = 2
