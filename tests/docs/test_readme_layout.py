"""The README's layout section names every package and module under src/tap and every top-level folder,
so a new maintainer finds each concern where the README says it lives."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def layout_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout\n", 1)[1]
    return section.split("```\n", 2)[1]


def test_readme_layout_names_every_package_of_src_tap() -> None:
    packages = sorted(p.name for p in (ROOT / "src" / "tap").iterdir() if (p / "__init__.py").is_file())
    assert "migration" in packages  # the walk found the packages at all
    layout = layout_section()
    assert [p for p in packages if f"src/tap/{p}/" not in layout] == []


def test_readme_layout_names_every_module_of_src_tap() -> None:
    modules = sorted(p.name for p in (ROOT / "src" / "tap").glob("*.py") if p.name != "__init__.py")
    assert "phases.py" in modules
    layout = layout_section()
    assert [m for m in modules if f"src/tap/{m}" not in layout] == []


def test_readme_layout_names_every_top_level_folder() -> None:
    folders = sorted(
        p.name for p in ROOT.iterdir() if p.is_dir() and any(p.glob("*.py")) and p.name not in ("src",)
    )
    assert "policy" in folders
    lines = layout_section().splitlines()
    assert [f for f in folders if not any(line.startswith(f"{f}/") for line in lines)] == []
