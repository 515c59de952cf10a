"""Static assets of a build: the theme's files, highlighting CSS and plotly.js, fingerprinted.

Each CSS and JS file is written as `assets/<name>.<hash>.<ext>`, so hosts can cache it
forever; pages refer to it through the `AssetMap` built here.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import minify_html as minifier

from .highlight import highlight_css

PLOTLY_ASSET = "plotly.min.js"
ASSETS_DIR = "assets"


@dataclass
class AssetMap:
    """Logical asset name (`site.css`) -> path in the output (`assets/site.1a2b3c4d.css`)."""

    paths: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.paths[name]


def plotly_js_path() -> Path:
    """The plotly.js bundle that the plotly package ships."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _fingerprinted(name: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem, dot, ext = name.partition(".")
    return f"{ASSETS_DIR}/{stem}.{digest}.{ext}" if dot else f"{ASSETS_DIR}/{name}.{digest}"


def minify_css(css: bytes) -> bytes:
    """Stylesheet without comments and needless whitespace (minify-html's CSS minifier)."""
    wrapped = minifier.minify(f"<style>{css.decode()}</style>", minify_css=True)
    return str(wrapped).removeprefix("<style>").removesuffix("</style>").encode()


def minify_js(script: bytes) -> bytes:
    """Script without comments and needless whitespace (rjsmin: a conservative minifier that
    never renames or reorders, so the code runs as written)."""
    import rjsmin

    return str(rjsmin.jsmin(script.decode())).encode()


def write_assets(static_dir: Path, out: Path, with_plotly: bool, minify: bool = True) -> AssetMap:
    """Copy the theme's static files into `out`, adding highlight CSS and plotly.js."""
    assets = AssetMap()
    (out / ASSETS_DIR).mkdir(parents=True, exist_ok=True)
    for source in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        name = source.relative_to(static_dir).as_posix()
        data = source.read_bytes()
        if name == "site.css":
            data += b"\n" + highlight_css().encode()
        if minify and source.suffix == ".css":
            data = minify_css(data)
        elif minify and source.suffix == ".js":
            data = minify_js(data)
        # Every asset is fingerprinted: hosts may cache anything under assets/ for ever.
        target = _fingerprinted(name, data)
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        (out / target).write_bytes(data)
        assets.paths[name] = target
    if with_plotly:
        source = plotly_js_path()
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
        target = f"{ASSETS_DIR}/plotly.{digest}.min.js"
        shutil.copyfile(source, out / target)
        assets.paths[PLOTLY_ASSET] = target
    return assets
