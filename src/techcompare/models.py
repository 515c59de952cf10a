"""The content model: one pydantic model per kind of content file.

These models are the contract between editors and the build. Every field carries a
description; the JSON Schema and the error messages come from here. Models are strict
(`"NO"` is not a boolean, `"12"` is not a number) and forbid unknown fields.

Cross-file references (a comparison naming a technology, a figure naming a metric) are
plain slugs here and are checked in `resolve.py`, where every file is known.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .yaml_source import Loc

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_URL = re.compile(r"^https?://[^\s/$.?#][^\s<>\"]*$", re.IGNORECASE)
_SPDX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*(?: (?:AND|OR|WITH) [A-Za-z0-9][A-Za-z0-9.+-]*)*$")


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError("expected an absolute http:// or https:// URL")
    return value


def _check_spdx(value: str) -> str:
    if not _SPDX.match(value):
        raise ValueError("expected an SPDX licence identifier such as MIT or Apache-2.0")
    return value


Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=64),
    Field(description="Lower-case words joined by hyphens, such as `message-queues`."),
]
Url = Annotated[
    str,
    AfterValidator(_check_url),
    Field(json_schema_extra={"format": "uri", "pattern": '^https?://[^\\s<>"]+$'}),
]
SpdxId = Annotated[
    str,
    AfterValidator(_check_spdx),
    Field(json_schema_extra={"pattern": _SPDX.pattern}),
]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_text(value: object) -> object:
    """Only `YYYY-MM-DD` text is a date; a number is never read as a timestamp."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError("expected a date written as YYYY-MM-DD")


Date = Annotated[date, BeforeValidator(_date_text), Field(strict=False)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
# Markdown shown inside a sentence or a list item: emphasis, code and links, no paragraphs.
InlineMarkdown = Annotated[str, StringConstraints(min_length=1, max_length=600)]
Number = Annotated[float, Field(allow_inf_nan=False)]


class Model(BaseModel):
    """Base of every content model: strict types, unknown fields refused."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        str_strip_whitespace=False,
    )

    def model_post_init(self, context: Any, /) -> None:
        # Pydantic gives every model a set of its own naming the fields it was given
        # (`model_fields_set`): a quarter of the memory of a loaded site, some 13 MB per
        # 1,000 comparisons. The models are frozen, so nothing changes that set: models
        # given the same fields share one.
        given = self.__pydantic_fields_set__
        shared = shared_fields_set(given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (by the build cache, for worker processes) as its fields and its fields set.
        # Pydantic pickles a dict made for each model, which the pickler keeps until it is
        # done: 50 MB while the cache of a site of 10,000 comparisons is written.
        return unpickle_model, (type(self), self.__dict__, self.__pydantic_fields_set__)


def unpickle_model(cls: type[Model], fields: dict[str, Any], fields_set: set[str]) -> Model:
    """A model as `Model.__reduce__` pickles it. Models of one pickle share their fields
    sets as they did; `shared_fields_set` shares them with the models made here."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)  # extra fields are refused
    object.__setattr__(model, "__pydantic_private__", None)  # and there are no private ones
    return model


def shared_fields_set(given: set[str]) -> set[str]:
    """The one fields set of the models given these fields (see `Model.model_post_init`)."""
    return _FIELDS_SETS.setdefault(frozenset(given), given)


# The one `model_fields_set` of each set of fields given (see `Model.model_post_init`).
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


# --- site.yaml ----------------------------------------------------------------------------


class NavLink(Model):
    """A link in the site header."""

    label: Short = Field(description="Text of the link.")
    url: str = Field(
        description="Target: a path inside the site (`/about/`) or an absolute http(s) URL.",
        pattern=r"^(/([^/\s<>\"][^\s<>\"]*)?|https?://[^\s<>\"]+)$",
    )


class Category(Model):
    """A category that groups technologies and comparisons, with a page of its own."""

    slug: Slug = Field(description="Identifier used by technologies and comparisons.")
    name: Short = Field(description="Display name, such as `Backend`.")
    description: Line = Field(description="One sentence on what the category covers.")


class Features(Model):
    """Parts of the site that can be switched off."""

    search: bool = Field(True, description="Build a search index and show a search box.")
    charts: bool = Field(True, description="Draw charts with Plotly next to their data tables.")


class SiteSettings(Model):
    """`site.yaml`: settings for the whole site."""

    title: Short = Field(description="Site name, shown in the header and page titles.")
    tagline: Line = Field(description="One line under the site name on the home page.")
    description: Line = Field(description="Default meta description for pages without their own.")
    base_url: str = Field(
        "/",
        description="Public address of the site, such as `https://example.org/` or `/sub/`.",
        pattern=r"^(https?://[^\s<>\"]+/|/([^/\s<>\"][^\s<>\"]*/)?)$",
    )
    language: str = Field(
        "en",
        description="Language of the content as a BCP 47 tag, used for `<html lang>`.",
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    )
    navigation: list[NavLink] = Field(
        default_factory=list, description="Links in the site header.", max_length=12
    )
    footer: Markdown | None = Field(None, description="Markdown shown at the foot of every page.")
    categories: list[Category] = Field(
        min_length=1, description="The categories technologies and comparisons belong to."
    )
    featured: list[Slug] = Field(
        default_factory=list, description="Comparisons shown first on the home page, by slug."
    )
    features: Features = Field(default_factory=Features, description="Feature switches.")


# --- metrics.yaml -------------------------------------------------------------------------


class Better(Enum):
    higher = "higher"
    lower = "lower"
    neither = "neither"


class MetricGroup(Enum):
    performance = "performance"
    community = "community"
    cost = "cost"


class Metric(Model):
    """Something measured, named once so every technology's figure shares its axis and unit."""

    label: Short = Field(description="Name of the metric, such as `Throughput`.")
    unit: Annotated[str, StringConstraints(min_length=1, max_length=30)] = Field(
        description="Unit every figure of this metric is given in, such as `requests/s`."
    )
    measures: Line = Field(description="What exactly is measured, in one sentence.")
    better: Annotated[Better, Field(strict=False)] = Field(
        description="Which way is better: `higher`, `lower`, or `neither` (e.g. stars)."
    )
    group: Annotated[MetricGroup, Field(strict=False)] = Field(
        description="Section the metric belongs to: `performance`, `community` or `cost`."
    )
    integer: bool = Field(
        False, description="Counts (stars, downloads): values must be whole numbers."
    )
    allow_negative: bool = Field(False, description="Whether values below zero make sense.")


class MetricRegistry(Model):
    """`metrics.yaml`: every metric named once, so figures share one axis."""

    metrics: dict[Slug, Metric] = Field(
        min_length=1, description="Metrics by identifier, such as `throughput`."
    )


# --- figures ------------------------------------------------------------------------------


class Figure(Model):
    """A measured figure: one value or a min-max range of a registered metric."""

    metric: Slug = Field(description="Identifier of the metric in `metrics.yaml`.")
    value: Number | None = Field(None, description="A single value. Give this or `min`/`max`.")
    min: Number | None = Field(None, description="Lower end of a range, in the metric's unit.")
    max: Number | None = Field(None, description="Upper end of a range, in the metric's unit.")
    approximate: bool = Field(False, description="The figure is an estimate (shown with ~).")
    or_more: bool = Field(False, description="The figure is a lower bound (shown with +).")
    or_less: bool = Field(False, description="The figure is an upper bound (shown with <).")
    subject: Line | None = Field(
        None, description="What the figure is about when it is narrower, e.g. `ws library`."
    )
    note: InlineMarkdown | None = Field(
        None, description="Context needed to read the figure: conditions, caveats."
    )
    source: Url | None = Field(None, description="Where the figure can be checked.")
    as_of: Date | None = Field(None, description="When the figure was true (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _value_or_range(self) -> Figure:
        if self.value is not None:
            if self.min is not None or self.max is not None:
                raise ValueError("give either `value` or `min` and `max`, not both")
        elif self.min is None or self.max is None:
            raise ValueError("give `value`, or both `min` and `max`")
        elif self.min > self.max:
            raise ValueError(f"`min` ({self.min:g}) is greater than `max` ({self.max:g})")
        if self.or_more and self.or_less:
            raise ValueError("a figure cannot be both `or_more` and `or_less`")
        for number in (self.value, self.min, self.max):
            if number is not None and not math.isfinite(number):
                raise ValueError("figures must be finite numbers")
        return self

    @property
    def low(self) -> float:
        return self.value if self.value is not None else self.min  # type: ignore[return-value]

    @property
    def high(self) -> float:
        return self.value if self.value is not None else self.max  # type: ignore[return-value]


# --- technologies/<slug>.yaml -------------------------------------------------------------


class Claim(Model):
    """A strength or weakness, with where it can be checked."""

    text: InlineMarkdown = Field(description="The claim, in one or two sentences of Markdown.")
    sources: list[Url] = Field(default_factory=list, description="Where the claim can be checked.")


class UseCase(Model):
    """A situation the technology fits, with why."""

    title: Line = Field(description="Short name of the situation.")
    body: Markdown = Field(description="Why the technology fits it, in Markdown.")


class Company(Model):
    """An organisation known to use the technology."""

    name: Short = Field(description="Company or organisation.")
    usage: Line | None = Field(None, description="What they use it for.")


class Community(Model):
    """Community and long-term support: who is behind it and how active it is."""

    summary: Markdown = Field(description="Who uses it and how large the community is.")
    maintainers: Markdown = Field(description="Who maintains it and how it is governed.")
    release_cadence: Markdown = Field(description="How often releases and fixes ship.")
    figures: list[Figure] = Field(
        default_factory=list, description="Community figures (metrics of group `community`)."
    )


class Pricing(Model):
    """What it costs to adopt and run."""

    model: Short = Field(description="Pricing model, such as `Open source`.")
    license_note: Line | None = Field(
        None, description="Licensing in words, when an SPDX id does not say it all."
    )
    core_cost: Line = Field(description="What the technology itself costs.")
    enterprise: Markdown = Field(description="Paid tiers, enterprise features and their prices.")
    support: Markdown = Field(description="Community and paid support options.")
    total_cost: Figure | None = Field(
        None, description="Estimated running cost for a medium-scale service (a `cost` metric)."
    )
    total_cost_breakdown: Markdown | None = Field(
        None, description="What the estimated running cost is made of."
    )


class CodeSample(Model):
    """A code sample, highlighted at build time."""

    title: Line = Field(description="What the sample shows.")
    language: Annotated[str, StringConstraints(pattern=r"^[a-z0-9+#-]{1,30}$")] = Field(
        description="Pygments language name for highlighting, such as `javascript` or `go`."
    )
    code: Annotated[str, StringConstraints(min_length=1, max_length=30_000)] = Field(
        description="The source code, as a YAML block scalar (`|`)."
    )
    description: Markdown | None = Field(None, description="What to notice in the sample.")


class Technology(Model):
    """`technologies/<slug>.yaml`: everything known about one technology."""

    name: Short = Field(description="Display name.")
    categories: list[Slug] = Field(min_length=1, description="Category slugs from `site.yaml`.")
    summary: Line = Field(description="What it is, in one line.")
    kind: Short = Field(description="What sort of thing it is, such as `Query language`.")
    homepage: Url = Field(description="Official website.")
    repository: Url | None = Field(None, description="Main source repository.")
    license: SpdxId | None = Field(
        None, description="SPDX licence id of the reference implementation; empty for standards."
    )
    overview: Markdown = Field(description="A few paragraphs introducing it, in Markdown.")
    best_for: Line = Field(description="What it is best for, in one line.")
    pros: list[Claim] = Field(min_length=1, description="Strengths.")
    cons: list[Claim] = Field(min_length=1, description="Weaknesses.")
    use_cases: list[UseCase] = Field(default_factory=list, description="Where it fits well.")
    performance_summary: Markdown | None = Field(
        None, description="How its performance is measured and what is typical."
    )
    benchmarks: list[Figure] = Field(
        default_factory=list, description="Performance figures (metrics of group `performance`)."
    )
    community: Community | None = Field(None, description="Community and long-term support.")
    companies: list[Company] = Field(default_factory=list, description="Who uses it in production.")
    pricing: Pricing | None = Field(None, description="Pricing and licensing.")
    code_samples: list[CodeSample] = Field(default_factory=list, description="Code samples.")
    reviewed_on: Date = Field(description="When the whole file was last checked (YYYY-MM-DD).")


# --- comparisons/<slug>.yaml --------------------------------------------------------------


class Level(Enum):
    low = "low"
    medium = "medium"
    high = "high"


class QuickRow(Model):
    """One technology's column of the quick-comparison table."""

    best_for: Line | None = Field(None, description="Overrides the technology's `best_for` here.")
    pricing_model: Short | None = Field(
        None, description="Overrides the technology's `pricing.model` here."
    )
    complexity: Annotated[Level, Field(strict=False)] = Field(
        description="Effort to build with it: `low`, `medium` or `high`."
    )
    community_size: Short = Field(description="Size of the community, such as `Very large`.")
    adoption: Short = Field(description="Adoption trend, such as `Rapidly increasing`.")
    performance_score: Annotated[int, Field(ge=1, le=10)] = Field(
        description="Performance for this comparison's use, from 1 to 10."
    )


class IndustryMetric(Model):
    """A figure worth watching in production, whichever technology is chosen."""

    name: Line = Field(description="What to measure.")
    description: Line = Field(description="What it means.")
    target: Line | None = Field(None, description="A good target value, if there is one.")


class SideBySide(Model):
    """One task, and how each technology would approach it."""

    task: Line = Field(description="The task every technology is measured against.")
    approaches: dict[Slug, Markdown] = Field(
        description="How each technology would tackle the task, by technology slug."
    )


_DECISION_VERB = re.compile(r"^\s*(if\b|choose\b|pick\b|select\b|use\b|opt\b)", re.IGNORECASE)


def _check_decision(value: str) -> str:
    if _DECISION_VERB.match(value):
        raise ValueError(
            "write the situation only (e.g. `your clients need ...`): the page already says "
            "`Choose <technology> if`"
        )
    return value


class Decision(Model):
    """A situation that favours one technology: `Choose <technology> if <when>`."""

    when: Annotated[InlineMarkdown, AfterValidator(_check_decision)] = Field(
        description="The situation, completing the sentence `Choose <technology> if …`."
    )
    because: InlineMarkdown | None = Field(
        None, description="Why the technology fits that situation."
    )


class Faq(Model):
    """A question readers ask, with its answer."""

    question: Line = Field(description="The question, as a reader would ask it.")
    answer: Markdown = Field(description="The answer, in Markdown.")


class Related(Model):
    """Another comparison worth reading next."""

    title: Line = Field(description="What else to compare, such as `PostgreSQL vs MySQL`.")
    comparison: Slug | None = Field(None, description="Slug of the comparison, if it exists.")
    why: Line | None = Field(None, description="Why it is worth a look.")


def _check_distinct(slugs: list[str]) -> list[str]:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            raise ValueError(f"technology `{slug}` is listed twice")
        seen.add(slug)
    return slugs


class Comparison(Model):
    """`comparisons/<slug>.yaml`: what only makes sense side by side."""

    title: Line = Field(description="Page title, such as `PostgreSQL vs MySQL vs SQLite`.")
    category: Slug = Field(description="Category slug from `site.yaml`.")
    technologies: Annotated[
        list[Slug], Field(min_length=2, max_length=6), AfterValidator(_check_distinct)
    ] = Field(description="The 2 to 6 technologies compared, by slug, in display order.")
    summary: Line = Field(description="One sentence for listings and the meta description.")
    intro: Markdown | None = Field(None, description="Opening paragraph of the page.")
    published: Date = Field(description="When the comparison was first published.")
    updated: Date = Field(description="When it last changed in substance.")
    quick_comparison: dict[Slug, QuickRow] = Field(
        description="A quick-comparison column per technology, by slug."
    )
    benchmark_context: Markdown | None = Field(
        None, description="How to read the benchmark figures together."
    )
    community_insights: Markdown | None = Field(
        None, description="What the community figures say together."
    )
    cost_summary: Markdown | None = Field(None, description="What the costs say together.")
    industry_metrics: list[IndustryMetric] = Field(
        default_factory=list, description="What to measure when running any of them."
    )
    side_by_side: SideBySide | None = Field(None, description="One task, every approach.")
    analysis: Markdown | None = Field(None, description="The analysis of the side-by-side task.")
    decision_guide: dict[Slug, Annotated[list[Decision], Field(min_length=1)]] = Field(
        default_factory=dict, description="`Choose <technology> if` situations, by slug."
    )
    recommendation: Markdown | None = Field(None, description="Our recommendation.")
    bottom_line: Markdown | None = Field(None, description="The recommendation in a paragraph.")
    faq: list[Faq] = Field(default_factory=list, description="Frequently asked questions.")
    related: list[Related] = Field(default_factory=list, description="Comparisons to read next.")

    @field_validator("updated")
    @classmethod
    def _not_before_published(cls, updated: date, info: ValidationInfo) -> date:
        published = info.data.get("published")
        if published is not None and updated < published:
            raise ValueError(f"`updated` is before `published` ({published.isoformat()})")
        return updated


def comparison_problems(comparison: Comparison, slug: str) -> Iterator[tuple[Loc, str]]:
    """What is wrong inside one comparison that its fields' types do not say, by where it
    is: a per-technology mapping keyed by another technology (or, for the quick comparison,
    missing one), and a comparison related to itself. Checked as the file is read, while the
    whole comparison is at hand (`packed.py`); references to other files are checked in
    `resolve.py`."""
    expected = set(comparison.technologies)
    mappings: list[tuple[Loc, dict[str, Any], bool]] = [
        (("quick_comparison",), comparison.quick_comparison, True),
        (("decision_guide",), comparison.decision_guide, False),
    ]
    if comparison.side_by_side is not None:
        mappings.append((("side_by_side", "approaches"), comparison.side_by_side.approaches, False))
    for loc, mapping, required in mappings:
        for key in mapping:
            if key not in expected:
                yield (
                    (*loc, key),
                    f"`{key}` is not one of this comparison's technologies "
                    f"({', '.join(sorted(expected))})",
                )
        missing = sorted(expected - set(mapping))
        if required and missing:
            yield loc, f"missing for: {', '.join(missing)}"
    for index, related in enumerate(comparison.related):
        if related.comparison == slug:
            yield ("related", index, "comparison"), "a comparison cannot be related to itself"


ContentKind = Literal["site", "metrics", "technology", "comparison"]

MODEL_FOR_KIND: dict[str, type[Model]] = {
    "site": SiteSettings,
    "metrics": MetricRegistry,
    "technology": Technology,
    "comparison": Comparison,
}
