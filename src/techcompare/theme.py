"""Where the default templates and static files live.

In a wheel they are package data under `techcompare/theme/`; in a source checkout (an
editable install, or tests run from the repository) they are the repository's top-level
`templates/` and `static/` folders.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent.parent


def _theme_dir(name: str) -> Path:
    packaged = PACKAGE_DIR / "theme" / name
    return packaged if packaged.is_dir() else _CHECKOUT / name


def default_templates_dir() -> Path:
    return _theme_dir("templates")


def default_static_dir() -> Path:
    return _theme_dir("static")
