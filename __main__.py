"""Pulumi entry point (`pulumi up` runs this). Everything lives in src/tap."""

from tap.program import main

main()
