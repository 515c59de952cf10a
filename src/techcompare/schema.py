"""JSON Schemas for the content files, generated from the models.

Editors point their YAML files at these schemas (`# yaml-language-server: $schema=...`) to get
completion, hover help and red squiggles while they type. The schemas come from pydantic's
`model_json_schema` (draft 2020-12) with three touches:

- each schema gets `$schema` and a title that names the file it describes;
- mappings keyed by slug (`metrics`, `quick_comparison`, ...) get the slug pattern in
  `propertyNames` and `additionalProperties: false`, because pydantic moves the key pattern
  into `patternProperties`, which on its own lets any other key through;
- nothing else: rules that need more than one file (a figure's metric exists, a comparison
  names known technologies) are checked by `techcompare check`, not by the schema.

The committed copies live in `schemas/` at the repository root; regenerate them with
`techcompare schema --out schemas`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .models import MODEL_FOR_KIND

DRAFT = "https://json-schema.org/draft/2020-12/schema"

KINDS: tuple[str, ...] = tuple(MODEL_FOR_KIND)

# What each kind of schema describes, as its title shows it in an editor.
TITLES = {
    "site": "techcompare site settings (site.yaml)",
    "metrics": "techcompare metric registry (metrics.yaml)",
    "technology": "techcompare technology (technologies/<slug>.yaml)",
    "comparison": "techcompare comparison (comparisons/<slug>.yaml)",
}


def content_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for one kind of content file: `site`, `metrics`, ..."""
    schema = MODEL_FOR_KIND[kind].model_json_schema()
    _restrict_mapping_keys(schema)
    return {"$schema": DRAFT, **schema, "title": TITLES[kind]}


def content_schemas() -> dict[str, dict[str, Any]]:
    """Every kind of content file mapped to its JSON Schema, in `MODEL_FOR_KIND` order."""
    return {kind: content_schema(kind) for kind in KINDS}


def schema_json(schema: dict[str, Any]) -> str:
    """A schema as text: sorted keys, 2-space indent, trailing newline, so output is stable."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_file_name(kind: str) -> str:
    """The file a kind's schema is written to, such as `technology.schema.json`."""
    return f"{kind}.schema.json"


def write_schemas(out: Path, kinds: tuple[str, ...] = KINDS) -> list[Path]:
    """Write `out/<kind>.schema.json` for each kind (creating `out`); return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        path = out / schema_file_name(kind)
        path.write_text(schema_json(content_schema(kind)), encoding="utf-8")
        written.append(path)
    return written


def _restrict_mapping_keys(node: Any) -> None:
    """Make slug-keyed mappings refuse other keys (see the module docstring); in place."""
    if isinstance(node, dict):
        patterns = node.get("patternProperties")
        names = node.get("propertyNames")
        if isinstance(patterns, dict) and len(patterns) == 1 and isinstance(names, dict):
            names.setdefault("pattern", next(iter(patterns)))
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _restrict_mapping_keys(value)
    elif isinstance(node, list):
        for item in node:
            _restrict_mapping_keys(item)
