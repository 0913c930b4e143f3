"""Fast forms agree with the plain forms they stand in for (the model's outputs depend on it)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from helpers import run_model, small

from abm.agents.population import unique_ids
from abm.domain import Location
from abm.events import DayCalendar


@pytest.mark.parametrize("size", [0, 1, 2, 50, 3000])
def test_unique_ids_is_np_unique(size):
    rng = np.random.default_rng(size)
    ids = rng.integers(0, max(size // 2, 1), size)
    fast = unique_ids(ids)
    assert fast.dtype == np.unique(ids).dtype
    np.testing.assert_array_equal(fast, np.unique(ids))


def test_day_calendar_files_each_id_under_the_day_of_its_time():
    calendar = DayCalendar()
    calendar.add(np.array([5, 3, 9, 3]), np.array([2.5, 0.1, 7.0, 2.9]), horizon=7)
    calendar.add(np.array([4, 6]), np.array([np.inf, 2.0]), horizon=7)
    assert len(calendar) == 4, "times at or past the horizon are not filed"
    assert calendar.pop(2).tolist() == [3, 5, 6], "sorted, each id once"
    assert calendar.pop(0).tolist() == [3]
    assert calendar.pop(2).tolist() == [], "a day's ids are removed when taken"
    assert calendar.pop(7).tolist() == []


def test_vector_assessed_needs_agree_with_the_scalar_form():
    """Home care picks who can start a package with the vector form: it must not disagree."""
    model = run_model(small(residents=800, warmup_days=0))
    r = model.residents
    ids = r.alive()
    expected = [r.assessed_need(int(pid)) for pid in ids]
    assert r.assessed_needs(ids).tolist() == expected


def test_scalar_unmet_need_agrees_with_unmet_hours():
    model = run_model(small(residents=800, warmup_days=0))
    r = model.residents
    ids = np.arange(r.n)
    expected = (r.unmet_hours(ids) > 0.0).tolist()
    assert [r.has_unmet_need(int(pid)) for pid in ids] == expected
    assert any(expected), "some residents at home have unmet need"


def test_read_only_columns_follow_the_residents_methods_after_a_copy():
    """A pickled or deep-copied Residents keeps its read-only columns tied to what its methods
    write (a pickled view would otherwise become a separate array)."""
    model = run_model(small(residents=300, warmup_days=0))
    copy = pickle.loads(pickle.dumps(model.residents))
    copy.move(0, Location.CARE_HOME)
    assert copy.location[0] == Location.CARE_HOME
    assert not copy.location.flags.writeable
