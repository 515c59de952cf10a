"""A loaded site keeps its comparisons packed (packed.py): pickled but for what listings read,
and unpacked to the very comparison the file validates to."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

import pytest
import yaml
from testkit import TODAY, edit

from techcompare import loading
from techcompare.checking import load_site
from techcompare.models import Comparison
from techcompare.packed import LISTING_FIELDS, PackedComparison

COMPARISON = "comparisons/postgresql-vs-sqlite.yaml"


def validated(path: Path) -> Comparison:
    return Comparison.model_validate(yaml.safe_load(path.read_text()), strict=False)


def test_a_loaded_site_keeps_its_comparisons_packed_and_unpacks_them_whole(content: Path) -> None:
    site, _ = load_site(content, TODAY)
    packed = site.comparisons["postgresql-vs-sqlite"]
    assert isinstance(packed, PackedComparison)
    whole = validated(content / COMPARISON)
    assert packed.unpack() == whole
    listing = (packed.title, packed.summary, packed.category, packed.technologies)
    assert listing == (whole.title, whole.summary, whole.category, whole.technologies)
    assert (packed.published, packed.updated) == (whole.published, whole.updated)
    assert packed.listing() == tuple(getattr(whole, name) for name in LISTING_FIELDS)
    assert packed.related_comparisons == tuple(r.comparison for r in whole.related)
    # Any other field, as a template of one's own may read it, comes from the comparison.
    assert packed.faq == whole.faq and packed.intro == whole.intro
    with pytest.raises(AttributeError):
        _ = packed.no_such_field
    with pytest.raises(AttributeError):
        _ = packed._private


def test_packed_comparisons_pickle_and_compare_by_their_comparisons(content: Path) -> None:
    whole = validated(content / COMPARISON)
    packed = PackedComparison.of(whole)
    again = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == packed and again.title == packed.title and again.unpack() == whole
    # The same comparison pickled to other bytes is still the same comparison.
    other_bytes = PackedComparison.of(whole)
    object.__setattr__(other_bytes, "data", pickle.dumps(whole, protocol=2))
    assert other_bytes.data != packed.data and other_bytes == packed
    changed = PackedComparison.of(whole.model_copy(update={"intro": "Another intro."}))
    assert changed != packed


@pytest.mark.parametrize("jobs", [1, 2])
def test_no_comparison_stays_alive_once_the_site_is_loaded(
    content: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """What the memory target rests on: the parent holds each comparison pickled, never the
    models it unpickles to (but the one unpacked last), however the files were read."""
    for n in range(12):  # enough files for worker processes
        target = content / "comparisons" / f"copy-{n}.yaml"
        target.write_text((content / COMPARISON).read_text())
        edit(target, "title: PostgreSQL vs SQLite\ncategory", f"title: Copy {n}\ncategory")
    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 5)
    site, _ = load_site(content, TODAY, jobs=jobs)
    assert len(site.comparisons) > 12
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, Comparison)]
    assert len(alive) <= 1
