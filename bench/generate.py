"""Write a synthetic techcompare site for benchmarks: seeded, offline, byte-identical per seed.

    python bench/generate.py --comparisons 1000 --seed 1 --out bench/.cache/c1000-s1/content

writes `site.yaml`, `metrics.yaml` (the bundled registry's 14 metrics: 8 performance,
5 community, 1 cost), T technologies and C comparisons of 2–3 technologies each. Every file is
filled at about the size of the bundled reference content: a technology file of ~15–20 KB
(overview, 5–7 pros, 4–5 cons, 3–4 use cases, 8 benchmark and 6 community figures, pricing
with a total cost, 1–2 code samples of 40–60 lines, companies), a comparison of ~15–18 KB
with every optional section filled. Technologies report mostly the same metrics, so every
comparison page draws charts.

Shape of the site: technologies come in categories of ten, and each comparison picks 2–3
technologies of one category. By default T = max(4, C / 5), so the benchmark sizes 100, 1,000
and 10,000 comparisons have 20, 200 and 2,000 technologies, each shown on ~12 comparison
pages. Pairs of a category that no comparison covers become pages "generated from data",
a few per category.

Prose comes from a fixed word list through `random.Random` seeded per file, so the output
depends only on the arguments, and a technology's file does not change when more
comparisons are asked for.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

TECHS_PER_CATEGORY = 10
SITE_URL = "https://bench.techcompare.test/"


def _wordlist(text: str) -> list[str]:
    return text.split()


WORDS = _wordlist(
    """
access adapter aggregate alert allocation analytics api archive audit backend backlog
backpressure bandwidth batch benchmark binary bottleneck boundary broker buffer build bundle
cache capacity catalogue channel checkpoint client cluster codec cold commit compaction
compiler component compression concurrency config connection consensus consistency
container contract controller coordinator core counter cursor dashboard data database
deadline debug default delivery dependency deployment descriptor design developer
diagnostics digest disk dispatch document domain driver durability edge embedding encoding
endpoint engine error event eviction execution exporter extension failover feature fetch
field filter flag flow format fragment frame framework function gateway graph handler
hardware hash header heap histogram host hotspot index ingestion instance integration
interface isolation iterator job journal kernel key latency layer lease ledger library
lifecycle limit link listener load locality lock log lookup manifest mapping marshalling
memory merge mesh message metadata metric middleware migration mirror model module monitor
namespace network node notification object observer offset operator optimiser orchestration
origin package page pagination parser partition patch payload peer pipeline planner plugin
policy pool port primitive probe process producer profile protocol proxy publisher query
queue quota range rate reader record recovery reducer region registry release replica
request resolver resource response retry revision router runtime sample scheduler schema
scope segment selector sequence serializer server service session shard signal snapshot
socket source span stack state storage stream subscriber summary supervisor table tenant
thread throughput timeout token topic trace transaction transport tree trigger tuple type
update upgrade upstream validator value vector version view volume watcher window worker
workflow workload writer zone
"""
)

ADJECTIVES = _wordlist(
    """
adaptive async atomic bounded cached central cloud compact concurrent consistent durable
dynamic elastic embedded explicit fast flexible global hybrid idle immutable incremental
isolated lazy lean local managed modular native nested open optional parallel persistent
pluggable portable predictable private public reactive reliable remote resilient robust
scalable secure sequential shared simple small stable stateful stateless static steady
strict structured synchronous tiered typed unified versioned warm
"""
)

VERBS = _wordlist(
    """
accepts aggregates balances batches buffers caches checks collects compiles compresses
coordinates decodes delivers deploys drains encodes exposes filters flushes forwards groups
handles indexes isolates keeps limits loads maps measures merges migrates monitors moves
orders parses partitions persists plans polls prefetches publishes reads rebuilds records
reduces refreshes replicates reports resolves retries routes samples schedules serves
shards signs splits streams syncs tracks transforms updates validates verifies watches
writes
"""
)

SYLLABLES = _wordlist(
    """
ba be bi bo ca ce co da de di do fa fe fi ga ge go ka ke ki ko la le li lo lu ma me mi mo
na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo xa za ze zo
"""
)
ENDINGS = _wordlist("db io ly ra rix ion flow mesh stack base kit hub ql net mq")

KINDS = [
    "Database",
    "Message broker",
    "Stream processor",
    "Web framework",
    "RPC framework",
    "Query engine",
    "Cache",
    "Search engine",
    "Service mesh",
    "Workflow engine",
]
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "MPL-2.0", "AGPL-3.0-only", None]
LANGUAGES = ["python", "javascript", "go", "java", "rust", "typescript"]
COMMUNITY_SIZES = ["Small", "Medium", "Large", "Large & growing", "Very large & active"]
ADOPTION = ["Emerging", "Steady", "Growing", "Rapidly increasing", "Extremely high"]
PRICING_MODELS = ["Open source", "Open core", "Managed service", "Commercial licence"]

# The bundled registry (content/metrics.yaml), with a plausible range of values per metric.
METRICS: list[dict[str, object]] = [
    {
        "slug": "throughput",
        "label": "Request throughput",
        "unit": "requests/s",
        "measures": "Request-response calls one server completes per second under load.",
        "better": "higher",
        "group": "performance",
        "range": (1_000, 200_000),
    },
    {
        "slug": "message-rate",
        "label": "Message rate",
        "unit": "messages/s",
        "measures": "Messages one CPU core sends or relays per second over open connections.",
        "better": "higher",
        "group": "performance",
        "range": (10_000, 2_000_000),
    },
    {
        "slug": "concurrent-connections",
        "label": "Concurrent connections",
        "unit": "connections",
        "measures": "Long-lived client connections one server instance keeps open at once.",
        "better": "higher",
        "group": "performance",
        "integer": True,
        "range": (1_000, 500_000),
    },
    {
        "slug": "latency",
        "label": "Latency",
        "unit": "ms",
        "measures": "Server-side time to complete one call, for the percentile named.",
        "better": "lower",
        "group": "performance",
        "range": (0.5, 500),
    },
    {
        "slug": "build-time",
        "label": "Build and setup time",
        "unit": "s",
        "measures": "Time from source to a runnable service, counting code generation.",
        "better": "lower",
        "group": "performance",
        "range": (1, 120),
    },
    {
        "slug": "library-size",
        "label": "Library size",
        "unit": "KB",
        "measures": "Size of the runtime library or generated code a service ships with.",
        "better": "lower",
        "group": "performance",
        "range": (50, 5_000),
    },
    {
        "slug": "service-memory",
        "label": "Base memory per instance",
        "unit": "MB",
        "measures": "Resident memory of one running service instance before load.",
        "better": "lower",
        "group": "performance",
        "range": (20, 800),
    },
    {
        "slug": "connection-memory",
        "label": "Memory per connection",
        "unit": "KB",
        "measures": "Server memory held for each open client connection.",
        "better": "lower",
        "group": "performance",
        "range": (2, 200),
    },
    {
        "slug": "github-stars",
        "label": "GitHub stars",
        "unit": "stars",
        "measures": "Stars on the main source repository of the reference implementation.",
        "better": "higher",
        "group": "community",
        "integer": True,
        "range": (500, 200_000),
    },
    {
        "slug": "npm-weekly-downloads",
        "label": "Weekly npm downloads",
        "unit": "downloads/week",
        "measures": "Downloads per week from the npm registry of the packages named.",
        "better": "higher",
        "group": "community",
        "integer": True,
        "range": (1_000, 50_000_000),
    },
    {
        "slug": "stackoverflow-questions",
        "label": "Stack Overflow questions",
        "unit": "questions",
        "measures": "Questions carrying the technology's tag on Stack Overflow.",
        "better": "higher",
        "group": "community",
        "integer": True,
        "range": (100, 200_000),
    },
    {
        "slug": "job-postings",
        "label": "Job postings",
        "unit": "postings",
        "measures": "Open job postings worldwide that name the technology as a skill.",
        "better": "higher",
        "group": "community",
        "integer": True,
        "range": (50, 50_000),
    },
    {
        "slug": "developers",
        "label": "Developers",
        "unit": "developers",
        "measures": "Developers worldwide who use the technology, as estimated.",
        "better": "higher",
        "group": "community",
        "integer": True,
        "range": (10_000, 20_000_000),
    },
    {
        "slug": "monthly-tco",
        "label": "Monthly total cost of ownership",
        "unit": "USD/month",
        "measures": "Estimated monthly running cost of a medium-scale backend built on it.",
        "better": "lower",
        "group": "cost",
        "range": (50, 5_000),
    },
]
METRIC_BY_SLUG = {str(m["slug"]): m for m in METRICS}
PERFORMANCE = [str(m["slug"]) for m in METRICS if m["group"] == "performance"]
COMMUNITY = [str(m["slug"]) for m in METRICS if m["group"] == "community"]


def technologies_for(comparisons: int) -> int:
    """The default number of technologies: each one on ~12 comparison pages."""
    return max(4, comparisons // 5)


# --- prose --------------------------------------------------------------------------------


class Prose:
    """Seeded text: words, sentences, Markdown paragraphs and lists."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def phrase(self, low: int = 3, high: int = 6) -> str:
        words = [self.word() for _ in range(self.rng.randint(low, high))]
        words[0] = self.rng.choice(ADJECTIVES)
        return " ".join(words)

    def sentence(self, low: int = 8, high: int = 16, markup: bool = True) -> str:
        """One sentence; with `markup`, sometimes a word in emphasis, bold or code."""
        rng = self.rng
        count = rng.randint(low, high)
        words: list[str] = []
        for index in range(count):
            pick = rng.random()
            if index % 5 == 2:
                word = rng.choice(VERBS)
            elif pick < 0.2:
                word = rng.choice(ADJECTIVES)
            else:
                word = self.word()
            if markup and index > 0:
                style = rng.random()
                if style < 0.03:
                    word = f"*{word}*"
                elif style < 0.05:
                    word = f"**{word}**"
                elif style < 0.07:
                    word = f"`{word}()`"
            if index < count - 2 and rng.random() < 0.08:
                word += ","
            words.append(word)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def sentences(self, count: int) -> str:
        return " ".join(self.sentence() for _ in range(count))

    def paragraph(self, low: int = 3, high: int = 5, width: int = 88) -> str:
        return wrap(self.sentences(self.rng.randint(low, high)), width)

    def bullets(self, count: int, lead: str = "") -> str:
        items = []
        for _ in range(count):
            head = f"**{lead or self.phrase(1, 2)}:** " if self.rng.random() < 0.6 else ""
            items.append(wrap(f"- {head}{self.sentences(self.rng.randint(1, 2))}", 88, "  "))
        return "\n".join(items)

    def markdown(self, paragraphs: int, bullets: int = 0) -> str:
        """Paragraphs with a bullet list after the first, as editors write them."""
        parts = [self.paragraph()]
        if bullets:
            parts.append(self.bullets(bullets))
        parts += [self.paragraph() for _ in range(paragraphs - 1)]
        return "\n\n".join(parts) + "\n"

    def line(self, low: int = 8, high: int = 16) -> str:
        """A one-line field: no Markdown, at most ~150 characters."""
        return self.sentence(low, high, markup=False)

    def number(self, low: float, high: float) -> float:
        """A log-uniform number between `low` and `high`, rounded to two significant digits."""
        value = 10 ** self.rng.uniform(math.log10(low), math.log10(high))
        return _round2(value)


def _round2(value: float) -> float:
    """Two significant digits: 12345 -> 12000, 0.0123 -> 0.012."""
    return float(f"{value:.2g}")


def wrap(text: str, width: int, indent: str = "") -> str:
    """Wrap on spaces, continuation lines indented by `indent` (for list items)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = indent + word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "\n".join(lines)


# --- YAML text ----------------------------------------------------------------------------


def quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def block(key: str, text: str, indent: int = 0) -> str:
    """`key: |` followed by `text` indented two spaces deeper (blank lines stay empty)."""
    pad = " " * indent
    inner = " " * (indent + 2)
    body = "\n".join(inner + line if line else "" for line in text.rstrip("\n").split("\n"))
    return f"{pad}{key}: |\n{body}\n"


def folded(key: str, text: str, indent: int = 0, first: str = "") -> str:
    """`key: >-` with the text wrapped beneath it; `first` replaces the indent on line one
    (`- ` for the first key of a list item)."""
    pad = first or " " * indent
    inner = " " * (indent + 2)
    body = "\n".join(inner + line for line in wrap(text, 88 - len(inner)).split("\n"))
    return f"{pad}{key}: >-\n{body}\n"


def scalar(key: str, value: object, indent: int = 0, first: str = "") -> str:
    pad = first or " " * indent
    if isinstance(value, str):
        text = quoted(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and value == int(value):
        text = str(int(value))
    else:
        text = str(value)
    return f"{pad}{key}: {text}\n"


# --- the site's shape ---------------------------------------------------------------------


@dataclass(frozen=True)
class TechName:
    slug: str
    name: str
    category: int


@dataclass(frozen=True)
class ComparisonPlan:
    slug: str
    category: int
    technologies: tuple[str, ...]
    related: tuple[str, ...]


def tech_names(count: int, seed: int) -> list[TechName]:
    """Unique, pronounceable technology names, ten to a category (the last takes the rest)."""
    rng = random.Random(f"{seed}-names")
    categories = max(1, count // TECHS_PER_CATEGORY)
    seen: set[str] = set()
    names = []
    while len(names) < count:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        slug = stem + rng.choice(ENDINGS)
        if slug in seen:
            continue
        seen.add(slug)
        category = min(len(names) // TECHS_PER_CATEGORY, categories - 1)
        names.append(TechName(slug, slug.capitalize(), category))
    return names


def plan_comparisons(techs: list[TechName], count: int, seed: int) -> list[ComparisonPlan]:
    """`count` comparisons spread evenly over the categories, 2–3 technologies each.

    Within a category, technology sets are drawn without repetition while distinct ones
    remain (165 for ten technologies), then repeat under a numbered slug.
    """
    rng = random.Random(f"{seed}-comparisons")
    categories = max(t.category for t in techs) + 1
    members = [[t.slug for t in techs if t.category == c] for c in range(categories)]
    pools = []
    for group in members:
        sets = [*combinations(group, 2), *combinations(group, 3)] if len(group) >= 2 else []
        rng.shuffle(sets)
        pools.append(sets)
    chosen: list[tuple[int, tuple[str, ...]]] = []
    used = [0] * categories
    for index in range(count):
        category = index % categories
        pool = pools[category]
        if not pool:
            raise SystemExit(f"category {category} has fewer than two technologies")
        chosen.append((category, pool[used[category] % len(pool)]))
        used[category] += 1
    plans: list[ComparisonPlan] = []
    taken: set[str] = set()
    slugs = []
    for category, technologies in chosen:
        base = "-vs-".join(technologies)
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        slugs.append((slug, category, technologies))
    by_category: dict[int, list[str]] = {}
    for slug, category, _ in slugs:
        by_category.setdefault(category, []).append(slug)
    for slug, category, technologies in slugs:
        others = [s for s in by_category[category] if s != slug]
        related = tuple(rng.sample(others, min(2, len(others))))
        plans.append(ComparisonPlan(slug, category, technologies, related))
    return plans


# --- files --------------------------------------------------------------------------------


def site_yaml(categories: int, featured: list[str], seed: int) -> str:
    prose = Prose(f"{seed}-site")
    out = [
        "# Synthetic benchmark site, written by bench/generate.py.\n",
        scalar("title", "techcompare bench"),
        scalar("tagline", "Synthetic comparisons for measuring build speed."),
        scalar("description", prose.line()),
        scalar("base_url", SITE_URL),
        scalar("language", "en"),
        "navigation:\n",
        scalar("label", "Home", first="  - "),
        scalar("url", "/", 4),
        scalar("label", "Comparisons", first="  - "),
        scalar("url", "/#comparisons", 4),
        block("footer", prose.paragraph(2, 2)),
        "categories:\n",
    ]
    for index in range(categories):
        out.append(scalar("slug", category_slug(index), first="  - "))
        out.append(scalar("name", f"{prose.word().capitalize()} systems {index + 1}", 4))
        out.append(scalar("description", prose.line(), 4))
    out.append("featured:\n")
    out += [f"  - {slug}\n" for slug in featured]
    return "".join(out)


def category_slug(index: int) -> str:
    return f"category-{index + 1:03d}"


def metrics_yaml() -> str:
    out = ["# The bundled registry's metrics (content/metrics.yaml), shortened.\n", "metrics:\n"]
    for metric in METRICS:
        out.append(f"  {metric['slug']}:\n")
        for key in ("label", "unit", "measures", "better", "group"):
            out.append(scalar(key, metric[key], 4))
        if metric.get("integer"):
            out.append(scalar("integer", True, 4))
    return "".join(out)


def figure_lines(
    prose: Prose, tech: TechName, metric_slug: str, indent: int, subject: str | None, first: str
) -> str:
    """One figure as a mapping: the first key after `first` (`- ` or nothing)."""
    rng = prose.rng
    metric = METRIC_BY_SLUG[metric_slug]
    low, high = metric["range"]  # type: ignore[misc]
    out = [scalar("metric", metric_slug, indent, first=first)]
    a = prose.number(low, high)
    if metric.get("integer"):
        a = float(max(1, round(a)))
    if rng.random() < 0.6:
        b = _round2(a * rng.uniform(1.5, 4))
        if metric.get("integer"):
            b = float(round(b))
        out += [scalar("min", a, indent), scalar("max", b, indent)]
    else:
        out.append(scalar("value", a, indent))
        if rng.random() < 0.3:
            out.append(scalar("approximate", True, indent))
        elif rng.random() < 0.2:
            out.append(scalar("or_more", True, indent))
    if subject:
        out.append(scalar("subject", subject, indent))
    if rng.random() < 0.4:
        out.append(folded("note", prose.sentences(rng.randint(1, 2)), indent))
    page = rng.choice(("benchmarks", "docs/performance", "blog/numbers"))
    out.append(scalar("source", f"https://{tech.slug}.dev/{page}", indent))
    out.append(f"{' ' * indent}as_of: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n")
    return "".join(out)


def figures_block(prose: Prose, tech: TechName, metrics: list[str], extra: int, indent: int) -> str:
    """Figures for `metrics`, and `extra` more for some of them under a narrower subject."""
    repeated = set(prose.rng.sample(metrics, extra))
    out = []
    for slug in metrics:
        # A metric given twice needs a subject on each figure, so the two read apart.
        subjects: list[str | None] = [None]
        if slug in repeated:
            first = prose.phrase(2, 3)
            subjects = [first, f"{first}, {prose.word()} case"]
        for subject in subjects:
            out.append(figure_lines(prose, tech, slug, indent + 2, subject, " " * indent + "- "))
    return "".join(out)


def code_sample(prose: Prose, language: str, lines: int) -> str:
    """Plausible code of `lines` lines: functions over words from the word list."""
    rng = prose.rng
    out: list[str] = []
    style = CODE_STYLES[language]
    out += style["head"]
    while len(out) < lines - 1:
        name = f"{rng.choice(VERBS).removesuffix('s')}_{prose.word()}"
        arg, other, var = prose.word(), prose.word(), f"{prose.word()}_count"
        if arg == other:
            other += "_next"
        if language in ("javascript", "typescript", "java", "go"):
            name = _camel(name)
        body = [
            line.format(
                name=name,
                arg=arg,
                other=other,
                var=var,
                attr=prose.word(),
                number=rng.randint(2, 500),
                text=prose.sentence(5, 9, markup=False),
            )
            for line in style["function"]
        ]
        out += [*body, ""]
    return "\n".join(out[:lines]).rstrip("\n") + "\n"


def _camel(name: str) -> str:
    head, _, tail = name.partition("_")
    return head + tail[:1].upper() + tail[1:]


CODE_STYLES: dict[str, dict[str, list[str]]] = {
    "python": {
        "head": ["import json", "from dataclasses import dataclass", ""],
        "function": [
            "def {name}({arg}, {other}, limit={number}):",
            '    """{text}"""',
            "    {var} = 0",
            "    for item in {arg}.items():",
            "        if item.{attr} is None:",
            "            continue",
            "        {var} += len({other}.get(item.{attr}, []))",
            "        if {var} > limit:",
            '            raise ValueError(f"too many: {{{var}}}")',
            '    return json.dumps({{"{attr}": {var}}})',
        ],
    },
    "javascript": {
        "head": ["import { createServer } from 'node:http';", ""],
        "function": [
            "export async function {name}({arg}, {other}, limit = {number}) {{",
            "  // {text}",
            "  let {var} = 0;",
            "  for (const item of {arg}.values()) {{",
            "    if (item.{attr} === undefined) continue;",
            "    {var} += ({other}.get(item.{attr}) ?? []).length;",
            "    if ({var} > limit) throw new Error(`too many: ${{{var}}}`);",
            "  }}",
            "  return JSON.stringify({{ {attr}: {var} }});",
            "}}",
        ],
    },
    "typescript": {
        "head": ["import type { Request, Response } from 'express';", ""],
        "function": [
            "export function {name}({arg}: Map<string, Item>, {other}: Index): string {{",
            "  // {text}",
            "  let {var}: number = 0;",
            "  for (const item of {arg}.values()) {{",
            "    if (item.{attr} === undefined) continue;",
            "    {var} += ({other}.get(item.{attr}) ?? []).length;",
            "    if ({var} > {number}) throw new Error(`too many: ${{{var}}}`);",
            "  }}",
            "  return JSON.stringify({{ {attr}: {var} }});",
            "}}",
        ],
    },
    "go": {
        "head": ["package main", "", 'import "fmt"', ""],
        "function": [
            "func {name}({arg} map[string]Item, {other} Index, limit int) (int, error) {{",
            "\t// {text}",
            "\t{var} := 0",
            "\tfor _, item := range {arg} {{",
            '\t\tif item.{attr} == "" {{',
            "\t\t\tcontinue",
            "\t\t}}",
            "\t\t{var} += len({other}[item.{attr}]) + {number}",
            "\t}}",
            '\treturn {var}, fmt.Errorf("checked %d", {var})',
            "}}",
        ],
    },
    "java": {
        "head": ["import java.util.Map;", "import java.util.List;", ""],
        "function": [
            "public static int {name}(Map<String, Item> {arg}, Index {other}) {{",
            "    // {text}",
            "    int {var} = 0;",
            "    for (Item item : {arg}.values()) {{",
            "        if (item.{attr} == null) continue;",
            "        {var} += {other}.get(item.{attr}).size();",
            "        if ({var} > {number}) throw new IllegalStateException();",
            "    }}",
            "    return {var};",
            "}}",
        ],
    },
    "rust": {
        "head": ["use std::collections::HashMap;", ""],
        "function": [
            "pub fn {name}({arg}: &HashMap<String, Item>, {other}: &Index) -> Result<usize> {{",
            "    // {text}",
            "    let mut {var} = 0;",
            "    for item in {arg}.values() {{",
            "        let Some(key) = &item.{attr} else {{ continue }};",
            "        {var} += {other}.get(key).map_or(0, |v| v.len());",
            "        if {var} > {number} {{ return Err(Error::TooMany({var})); }}",
            "    }}",
            "    Ok({var})",
            "}}",
        ],
    },
}


def technology_yaml(tech: TechName, seed: int) -> str:
    prose = Prose(f"{seed}-tech-{tech.slug}")
    rng = prose.rng
    license_id = rng.choice(LICENSES)
    out = [
        scalar("name", tech.name),
        f"categories: [{category_slug(tech.category)}]\n",
        scalar("summary", prose.line()),
        scalar("kind", rng.choice(KINDS)),
        scalar("homepage", f"https://{tech.slug}.dev/"),
        scalar("repository", f"https://github.com/{tech.slug}/{tech.slug}"),
    ]
    if license_id:
        out.append(f"license: {license_id}\n")
    out.append(block("overview", prose.markdown(3)))
    out.append(scalar("best_for", prose.line()))
    for key, count in (("pros", rng.randint(5, 7)), ("cons", rng.randint(4, 5))):
        out.append(f"{key}:\n")
        for _ in range(count):
            out.append(folded("text", prose.sentences(2), 4, first="  - "))
            sources = rng.randint(0, 2)
            if sources:
                out.append("    sources:\n")
                hosts = (f"{tech.slug}.dev/docs", f"blog.{tech.slug}.dev")[:sources]
                out += [f"      - https://{host}/{prose.word()}\n" for host in hosts]
    out.append("use_cases:\n")
    for _ in range(rng.randint(3, 4)):
        out.append(scalar("title", prose.phrase(), first="  - "))
        out.append(block("body", prose.paragraph(2, 2), 4))
    out.append(block("performance_summary", prose.markdown(2)))
    performance = sorted(rng.sample(PERFORMANCE, 6), key=PERFORMANCE.index)
    out.append("benchmarks:\n")
    out.append(figures_block(prose, tech, performance, 2, 2))
    out.append("community:\n")
    out.append(block("summary", prose.paragraph(2, 3), 2))
    out.append(block("maintainers", prose.paragraph(2, 3), 2))
    out.append(block("release_cadence", prose.paragraph(1, 2), 2))
    out.append("  figures:\n")
    out.append(figures_block(prose, tech, COMMUNITY, 1, 4))
    out.append("companies:\n")
    for _ in range(rng.randint(6, 10)):
        company = f"{prose.word().capitalize()} {prose.word()} Ltd"
        out.append(scalar("name", company, first="  - "))
        out.append(scalar("usage", prose.line(4, 8), 4))
    out.append("pricing:\n")
    out.append(scalar("model", rng.choice(PRICING_MODELS), 2))
    out.append(scalar("license_note", prose.line(), 2))
    out.append(scalar("core_cost", prose.line(), 2))
    out.append(block("enterprise", prose.paragraph(2, 3), 2))
    out.append(block("support", prose.paragraph(2, 3), 2))
    out.append("  total_cost:\n")
    out.append(figure_lines(prose, tech, "monthly-tco", 4, None, first=""))
    out.append(block("total_cost_breakdown", prose.bullets(4) + "\n\n" + prose.paragraph(1, 2), 2))
    out.append("code_samples:\n")
    for _ in range(2 if rng.random() < 0.3 else 1):
        language = rng.choice(LANGUAGES)
        out.append(scalar("title", prose.phrase(4, 7), first="  - "))
        out.append(scalar("language", language, 4))
        out.append(block("code", code_sample(prose, language, rng.randint(40, 60)), 4))
        out.append(block("description", prose.paragraph(2, 3), 4))
    out.append(f"reviewed_on: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}\n")
    return "".join(out)


def comparison_yaml(plan: ComparisonPlan, names: dict[str, TechName], seed: int) -> str:
    prose = Prose(f"{seed}-comparison-{plan.slug}")
    rng = prose.rng
    techs = [names[slug] for slug in plan.technologies]
    title = " vs ".join(t.name for t in techs)
    published = (2025, rng.randint(1, 12), rng.randint(1, 28))
    updated = (2026, rng.randint(1, 10), rng.randint(1, 28))
    out = [
        scalar("title", title),
        scalar("category", category_slug(plan.category)),
        f"technologies: [{', '.join(plan.technologies)}]\n",
        scalar("summary", f"How {title} compare: {prose.line(6, 12)}"),
        block("intro", prose.paragraph(4, 5)),
        "published: {:04d}-{:02d}-{:02d}\n".format(*published),
        "updated: {:04d}-{:02d}-{:02d}\n".format(*updated),
        "quick_comparison:\n",
    ]
    for tech in techs:
        out.append(f"  {tech.slug}:\n")
        out.append(scalar("complexity", rng.choice(["low", "medium", "high"]), 4))
        out.append(scalar("community_size", rng.choice(COMMUNITY_SIZES), 4))
        out.append(scalar("adoption", rng.choice(ADOPTION), 4))
        out.append(scalar("performance_score", rng.randint(4, 10), 4))
    per_tech = "\n".join(wrap(f"- **{t.name}** {prose.sentences(2)}", 88, "  ") for t in techs)
    out.append(
        block("benchmark_context", f"{prose.paragraph(1, 2)}\n\n{per_tech}\n\n{prose.paragraph()}")
    )
    out.append(block("community_insights", prose.markdown(2)))
    out.append(block("cost_summary", prose.markdown(2, bullets=3)))
    out.append("industry_metrics:\n")
    for _ in range(rng.randint(5, 7)):
        out.append(scalar("name", prose.phrase(2, 4).capitalize(), first="  - "))
        out.append(scalar("description", prose.line(), 4))
        if rng.random() < 0.5:
            out.append(scalar("target", f"Under {rng.randint(2, 900)} ms at P95", 4))
    out.append("side_by_side:\n")
    out.append(scalar("task", prose.line(), 2))
    out.append("  approaches:\n")
    for tech in techs:
        weak = f"**Weak spot:** {prose.sentences(2)}"
        out.append(block(tech.slug, f"{prose.paragraph(4, 5)}\n\n{wrap(weak, 88)}", 4))
    out.append(block("analysis", prose.markdown(2)))
    out.append("decision_guide:\n")
    for tech in techs:
        out.append(f"  {tech.slug}:\n")
        for _ in range(rng.randint(4, 5)):
            when = prose.sentence(8, 14)
            out.append(folded("when", f"your {when[0].lower()}{when[1:]}", 6, first="    - "))
            out.append(folded("because", prose.sentence(10, 16), 6))
    out.append(block("recommendation", prose.markdown(3)))
    out.append(block("bottom_line", prose.paragraph(4, 5)))
    out.append("faq:\n")
    for _ in range(rng.randint(5, 6)):
        question = prose.line(6, 10).removesuffix(".") + "?"
        out.append(scalar("question", question, first="  - "))
        out.append(block("answer", prose.paragraph(3, 4), 4))
    out.append("related:\n")
    for slug in plan.related:
        title = " vs ".join(part.capitalize() for part in slug.split("-vs-"))
        out.append(scalar("title", title, first="  - "))
        out.append(scalar("comparison", slug, 4))
        out.append(scalar("why", prose.line(), 4))
    for _ in range(2):
        out.append(scalar("title", prose.phrase(2, 4).capitalize(), first="  - "))
        out.append(scalar("why", prose.line(), 4))
    return "".join(out)


# --- the command --------------------------------------------------------------------------


def generate(out: Path, technologies: int, comparisons: int, seed: int) -> None:
    """Write the whole synthetic site into `out` (which must not hold other files)."""
    if technologies < 2 or comparisons < 1:
        raise SystemExit("need at least 2 technologies and 1 comparison")
    names = tech_names(technologies, seed)
    plans = plan_comparisons(names, comparisons, seed)
    categories = names[-1].category + 1
    featured = sorted(plan.slug for plan in plans)[:6]
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "site.yaml", site_yaml(categories, featured, seed))
    _write(out / "metrics.yaml", metrics_yaml())
    (out / "technologies").mkdir(exist_ok=True)
    (out / "comparisons").mkdir(exist_ok=True)
    by_slug = {tech.slug: tech for tech in names}
    for tech in names:
        _write(out / "technologies" / f"{tech.slug}.yaml", technology_yaml(tech, seed))
    for plan in plans:
        _write(out / "comparisons" / f"{plan.slug}.yaml", comparison_yaml(plan, by_slug, seed))


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comparisons", "-c", type=int, required=True, help="comparison pages")
    parser.add_argument(
        "--technologies", "-t", type=int, default=None, help="default: max(4, comparisons / 5)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="content folder to write")
    parser.add_argument(
        "--force", action="store_true", help="replace the content files of an existing --out"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not args.force:
            parser.error(f"{out} is not empty (use --force to replace its content files)")
        for name in ("technologies", "comparisons"):
            shutil.rmtree(out / name, ignore_errors=True)
    technologies = args.technologies or technologies_for(args.comparisons)
    generate(out, technologies, args.comparisons, args.seed)
    print(f"Wrote {technologies} technologies and {args.comparisons} comparisons to {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
