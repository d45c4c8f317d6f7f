"""Precomputed answers for crowded prefixes: a pure algorithm fed plain tuples.

A prefix scan is cheap when few keys share the prefix, but "sa" or "saint" match thousands of
keys that the database would have to sort by population on every keystroke. For each such
crowded prefix the loader stores the best few communes once; every other prefix is answered by
a range scan over fewer than `threshold` keys. Both stay a few index reads whatever the query.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple


class KeyEntry(NamedTuple):
    key: str
    commune: str
    population: int
    is_full_name: bool


def rank_entries(prefix: str, entries: Sequence[KeyEntry], top_n: int) -> list[str]:
    """Best communes for a prefix: exact full-name match first, then population, then code.

    A commune reached through several keys counts once.
    """
    ordered = sorted(
        entries, key=lambda e: (not (e.is_full_name and e.key == prefix), -e.population, e.commune)
    )
    return list(dict.fromkeys(e.commune for e in ordered))[:top_n]


def crowded_prefix_tops(
    entries: Sequence[KeyEntry], *, threshold: int = 300, top_n: int = 20, min_length: int = 2
) -> dict[str, list[str]]:
    """prefix → ranked commune codes, for every prefix shared by more than `threshold` keys.

    Prefixes grow one character at a time from `min_length`; a longer prefix can only be
    crowded if its parent is, so the search stops as soon as ranges get small.
    """
    ordered = sorted(entries, key=lambda e: e.key)
    keys = [e.key for e in ordered]
    tops: dict[str, list[str]] = {}
    # Start with every distinct prefix of the minimum length.
    frontier = sorted({k[:min_length] for k in keys if len(k) >= min_length})
    while frontier:
        next_frontier: list[str] = []
        for prefix in frontier:
            start = bisect_left(keys, prefix)
            end = bisect_left(keys, prefix + "\uffff")
            if end - start <= threshold:
                continue
            tops[prefix] = rank_entries(prefix, ordered[start:end], top_n)
            length = len(prefix) + 1
            next_frontier.extend(sorted({k[:length] for k in keys[start:end] if len(k) >= length}))
        frontier = next_frontier
    return tops
