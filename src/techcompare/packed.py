"""Comparisons as a loaded site keeps them: pickled, but for what listings read.

A site of 10,000 comparisons is some 350 MB of validated models, and a build reads most of
each comparison once: to check it, and to render its own page (in a worker). Everything else
(plans, listings, cards, the sitemap and feed) reads a few fields. A `PackedComparison` keeps
those fields and the whole comparison as its pickle, which is half the size of the live
models it unpickles to (16.8 against 35.3 KB) and takes 0.12 ms to unpickle. At 10,000
comparisons a build's largest process went from 545 to 415 MB.

The build cache (`build_cache.py`) keeps the pickles apart from the rest, and a comparison
it reads back holds where its pickle is in the cache instead, read when it is unpacked.

Only a comparison's own page (and its part of the /api/ export, in the same worker) and
exports of the whole site unpack it. What is wrong inside one comparison is checked as the
file is read (`models.comparison_problems`), and so are the warnings about it alone
(`file_review.py`); its references to other files are checked on the listing fields
(`resolve.py`).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .models import Comparison

if TYPE_CHECKING:  # api_export reads packed comparisons
    from .api_export import StoredPiece

# What listings, plans, the sitemap and the feed read of a comparison, kept as they are; the
# first fields of a `PackedComparison`.
LISTING_FIELDS = ("title", "summary", "category", "technologies", "published", "updated")


@dataclass(frozen=True, eq=False, slots=True)
class PackedComparison:
    """A comparison's listing fields, and the whole of it as `unpack` gives it back.

    Any other field read from it (as a template of one's own may read any field anywhere) is
    read from the unpacked comparison. Two are equal when their comparisons are."""

    title: str
    summary: str
    category: str
    technologies: list[str]
    published: date
    updated: date
    # The comparison each related item names, in order (None for a link elsewhere).
    related_comparisons: tuple[str | None, ...]
    # The comparison pickled: the bytes, or where the build cache keeps them (read when the
    # comparison is unpacked).
    data: bytes | StoredPiece

    @classmethod
    def of(cls, comparison: Comparison) -> PackedComparison:
        return cls(
            comparison.title,
            comparison.summary,
            comparison.category,
            comparison.technologies,
            comparison.published,
            comparison.updated,
            tuple(related.comparison for related in comparison.related),
            pickle.dumps(comparison, protocol=pickle.HIGHEST_PROTOCOL),
        )

    def listing(self) -> tuple[Any, ...]:
        """The values of `LISTING_FIELDS`."""
        return tuple(getattr(self, name) for name in LISTING_FIELDS)

    def kept(self) -> tuple[Any, ...]:
        """The values of every field but `data`, in order: what a packed comparison holds
        beside its pickle."""
        return (*self.listing(), self.related_comparisons)

    def unpack(self) -> Comparison:
        """The comparison (the last one unpacked is kept: a page and its export read it)."""
        return _unpickled(bytes(self.data))

    def __getattr__(self, name: str) -> Any:
        # Only for names that are not slots; never for the special names pickle and copy
        # look up, which must not unpack (nor recurse before the slots are set).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.unpack(), name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PackedComparison):
            return NotImplemented
        # Equal comparisons can pickle to other bytes: the order of a set depends on the
        # process's hash seed.
        return bytes(self.data) == bytes(other.data) or self.unpack() == other.unpack()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return PackedComparison, (*self.kept(), bytes(self.data))


@lru_cache(maxsize=1)
def _unpickled(data: bytes) -> Comparison:
    comparison = pickle.loads(data)
    if not isinstance(comparison, Comparison):
        raise TypeError(f"a packed comparison holds a {type(comparison).__name__}")
    return comparison
