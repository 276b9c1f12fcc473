"""The run plan: every group in order, sized so that the run sends at least the requested cases."""

from __future__ import annotations

import math
import os

from tests.differential.corpus_fuzz import fuzz_groups, weight
from tests.differential.corpus_hostile import hostile_groups
from tests.differential.corpus_stateful import stateful_groups
from tests.differential.runner import Group

DEFAULT_SEED = 20261124
DEFAULT_CASES = 1500
# hypothesis draws fewer cases than asked for some operations (small input spaces).
DRAW_SHORTFALL = 1.25
MIN_EXAMPLES = 5  # per operation and mode, whatever the hand-written corpus already covers


def default_seed() -> int:
    return int(os.environ.get("DIFF_SEED", DEFAULT_SEED))


def default_cases() -> int:
    return int(os.environ.get("DIFF_CASES", DEFAULT_CASES))


def build_plan(seed: int, cases: int) -> list[Group]:
    """The groups in order, from the seeded store the run starts with:

    generated reads, hand-written reads (nothing has written yet, so the fixture
    is intact), generated writes (families sharing one store, each read back),
    then -- reseeded -- the hand-written writes, and -- reseeded -- the sequences.
    The hand-written corpus and the sequences are fixed in size; the generated
    part takes the rest of the `cases` budget, and at least MIN_EXAMPLES draws
    per operation and mode.
    """
    hostile_reads, hostile_writes = hostile_groups(writes=False), hostile_groups(writes=True)
    stateful = stateful_groups(seed)
    fixed = sum(len(g.cases) for g in hostile_reads + hostile_writes + stateful)
    examples = max(MIN_EXAMPLES, math.ceil(max(0, cases - fixed) * DRAW_SHORTFALL / weight()))
    while True:
        fuzz_reads = fuzz_groups(seed, examples, writes=False)
        fuzz_writes = fuzz_groups(seed, examples, writes=True)
        if sum(len(g.cases) for g in fuzz_reads + fuzz_writes) + fixed >= cases:
            break
        examples = math.ceil(examples * 1.3) + 1  # hypothesis drew fewer than planned
    return fuzz_reads + hostile_reads + fuzz_writes + hostile_writes + stateful
