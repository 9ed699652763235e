"""The batch clustering: connected components where no link can be refused, the greedy loop
elsewhere, and the same answer as the greedy loop over every edge."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sightline.linkage.batch import Constraints, Edges, _greedy, cluster

LINK, REVIEW = 0.99, 0.80


def edges(pairs: list[tuple[int, int, float, bool]]) -> Edges:
    return Edges(
        left=np.array([p[0] for p in pairs], dtype=np.int64),
        right=np.array([p[1] for p in pairs], dtype=np.int64),
        probability=np.array([p[2] for p in pairs], dtype=np.float64),
        guarded=np.array([p[3] for p in pairs], dtype=bool),
    )


def test_records_linked_in_a_chain_are_one_person_named_by_the_smallest_record() -> None:
    result = cluster(
        [5, 3, 9, 7],
        edges([(5, 3, 0.999, False), (3, 9, 0.995, False)]),
        link_threshold=LINK,
        review_threshold=REVIEW,
    )
    assert result.cluster_of == {3: 3, 5: 3, 9: 3, 7: 7}
    assert result.review == []


def test_a_record_does_not_bridge_two_nhs_numbers() -> None:
    # father and son share a name; a record without an NHS number matches both
    result = cluster(
        [1, 2, 3],
        edges([(1, 3, 0.9999, False), (2, 3, 0.999, False)]),
        link_threshold=LINK,
        review_threshold=REVIEW,
        identifiers={1: ("9434765919", ""), 2: ("4010232137", "")},
    )
    assert result.cluster_of == {1: 1, 2: 2, 3: 1}
    assert result.refused == 1


def test_mistyped_values_do_not_keep_a_person_apart() -> None:
    result = cluster(
        [1, 2, 3],
        edges([(1, 2, 0.999, False), (2, 3, 0.999, False)]),
        link_threshold=LINK,
        review_threshold=REVIEW,
        identifiers={1: ("9434765919", ""), 3: ("9434765991", "")},  # two digits swapped
        birthdays={1: "2016-03-07", 2: "2016-07-03", 3: "2016-03-07"},  # day and month
    )
    assert set(result.cluster_of.values()) == {1}
    assert result.refused == 0


def test_uncertain_and_twins_pattern_pairs_are_left_for_review_strongest_first() -> None:
    result = cluster(
        [1, 2, 3, 4],
        edges([(1, 2, 0.85, False), (3, 4, 0.9995, True), (1, 3, 0.5, False)]),
        link_threshold=LINK,
        review_threshold=REVIEW,
    )
    assert set(result.cluster_of.values()) == {1, 2, 3, 4}
    assert [(a, b) for a, b, _ in result.review] == [(3, 4), (1, 2)]
    assert all(p < LINK for _, _, p in result.review)


def test_decisions_are_kept() -> None:
    result = cluster(
        [1, 2, 3, 4],
        edges([(1, 2, 0.999, False), (2, 3, 0.999, False)]),
        link_threshold=LINK,
        review_threshold=REVIEW,
        constraints=Constraints(must_link=[(3, 4)], cannot_link=[(1, 3)]),
    )
    assert result.cluster_of[4] == result.cluster_of[3]
    assert result.cluster_of[1] != result.cluster_of[3]


NHS = ["9434765919", "9434765991", "4010232137", ""]
DOB = ["2016-03-07", "2016-07-03", "2016-03-08", "2011-01-01", ""]


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 25),
    raw=st.lists(
        st.tuples(
            st.integers(0, 24),
            st.integers(0, 24),
            st.sampled_from([0.5, 0.85, 0.95, 0.99, 0.995, 0.999, 0.9999]),
            st.booleans(),
        ),
        max_size=60,
    ),
    nhs=st.lists(st.sampled_from(NHS), min_size=25, max_size=25),
    upn=st.lists(st.sampled_from(["A", "B", ""]), min_size=25, max_size=25),
    dob=st.lists(st.sampled_from(DOB), min_size=25, max_size=25),
    must=st.lists(st.tuples(st.integers(0, 24), st.integers(0, 24)), max_size=3),
    apart=st.lists(st.tuples(st.integers(0, 24), st.integers(0, 24)), max_size=3),
)
def test_it_agrees_with_the_greedy_loop_over_every_edge(  # type: ignore[no-untyped-def]
    n, raw, nhs, upn, dob, must, apart
) -> None:
    ids = [10 * i + 1 for i in range(n)]  # not positions: record ids
    pairs = [(ids[a], ids[b], p, g) for a, b, p, g in raw if a < n and b < n and a != b]
    arguments: dict[str, Any] = {
        "link_threshold": LINK,
        "review_threshold": REVIEW,
        "identifiers": {ids[i]: (nhs[i], upn[i]) for i in range(n) if nhs[i] or upn[i]},
        "birthdays": {ids[i]: dob[i] for i in range(n) if dob[i]},
        "constraints": Constraints(
            must_link=[(ids[a], ids[b]) for a, b in must if a < n and b < n],
            cannot_link=[(ids[a], ids[b]) for a, b in apart if a < n and b < n and a != b],
        ),
    }
    fast = cluster(list(reversed(ids)), edges(pairs), **arguments)
    slow = _greedy(ids, edges(pairs), **arguments)
    assert fast.cluster_of == slow.cluster_of
    assert fast.review == slow.review
    assert fast.refused == slow.refused
