"""Generated documentation: the README's settings reference, phase table, command reference
and architecture diagram, and docs/cost.md. Each is produced from the code it describes
(settings metadata, the phase machine, the typer app, the offline plan), so a test can fail
the build when a hand edit or a code change makes them disagree."""
