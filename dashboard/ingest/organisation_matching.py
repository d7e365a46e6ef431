"""Organisations that may be one: pairs of registered organisations whose spellings are close, proposed to a
human for merging. Nothing here decides; :mod:`dashboard.store.organisation_decisions` stores the decision.

Exact spellings are already one organisation (see :mod:`dashboard.ingest.organisations`). What stays apart
and is worth a look, with the December 2023 Mali 3W as the yardstick:

- ``acronym_punctuation``: the same acronym once punctuation and spaces are dropped (``S.A.D`` / ``SAD``:
  two different NGOs in that file, which is why a human decides);
- ``acronym_within``: every word of one acronym is a word of the other (``MSF`` / ``MSF-E``,
  ``ALIMA`` / ``AMCP-SP/ ALIMA``, ``ADRA`` / ``ADRA Mali``);
- ``name_within``: one full name is the start of the other's words, and one acronym starts the other
  (``IR`` Islamic Relief / ``IRW`` Islamic Relief WorlWide);
- ``similar_names``: full names alike apart from spelling (token sort ratio 90 or more: a typo, an
  accent, word order), ``Médecins Sans Frontière`` / ``Médecin Sans frontrière``;
- ``acronym_is_name``: one's acronym is the other's full name (a file that put the name in both columns).

Sections of one organisation (``MSF-E`` Espagne / ``MSF-B`` Belgique, names 85 alike) are not proposed
against each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from dashboard.domain.text import fold
from dashboard.store.organisation_decisions import ORGANISATION_COLUMNS as REGISTERED_COLUMNS
from dashboard.store.organisation_decisions import distinct_pairs, none_for_missing, organisation_frame

#: names at least this alike (rapidfuzz token sort ratio, 0-100) are proposed
NAME_CUTOFF = 90
#: the score of each rule, so that the surest proposals come first
RULE_SCORES = {"acronym_punctuation": 100, "acronym_is_name": 100, "name_within": 95, "acronym_within": 90}
REASONS = ("acronym_punctuation", "acronym_is_name", "name_within", "acronym_within", "similar_names")
#: columns of the organisations compared: id, acronym, name
ORGANISATION_COLUMNS = ["organisation_id", "acronym", "name"]
PAIR_COLUMNS = ["first_id", "second_id", "score", "reasons"]
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class _Spelling:
    acronym_words: tuple[str, ...]
    name_words: tuple[str, ...]

    @property
    def acronym(self) -> str:
        return "".join(self.acronym_words)

    @property
    def name(self) -> str:
        return "".join(self.name_words)


def _words(value: object) -> tuple[str, ...]:
    return tuple(word for word in _NON_ALNUM.split(fold(value)) if word) if isinstance(value, str) else ()


def _rules(first: _Spelling, second: _Spelling) -> list[str]:
    """The exact rules (all but ``similar_names``) that pair two spellings."""
    reasons = []
    if first.acronym and first.acronym == second.acronym:
        reasons.append("acronym_punctuation")
    if (first.acronym and first.acronym == second.name) or (second.acronym and second.acronym == first.name):
        reasons.append("acronym_is_name")
    shorter, longer = sorted((first, second), key=lambda spelling: len(spelling.name_words))
    if (len(shorter.name_words) >= 2 and shorter.name_words != longer.name_words
            and longer.name_words[:len(shorter.name_words)] == shorter.name_words
            and first.acronym and second.acronym
            and (first.acronym.startswith(second.acronym) or second.acronym.startswith(first.acronym))):
        reasons.append("name_within")
    few, many = sorted((first.acronym_words, second.acronym_words), key=len)
    if few and few != many and set(few) <= set(many) and len("".join(few)) >= 2:
        reasons.append("acronym_within")
    return reasons


def candidate_pairs(organisations: pd.DataFrame, among: set[int] | None = None) -> pd.DataFrame:
    """Pairs of organisations (``ORGANISATION_COLUMNS``) that may be one: ``first_id < second_id``,
    ``score`` (0-100, the surest first) and ``reasons`` (codes of :data:`REASONS`).

    With ``among``, only pairs with at least one organisation in it (e.g. those an import just created).
    """
    ids = [int(value) for value in organisations["organisation_id"]]
    spellings = [_Spelling(_words(acronym), _words(name))
                 for acronym, name in zip(organisations["acronym"], organisations["name"])]
    found: dict[tuple[int, int], dict[str, int]] = {}

    def add(i: int, j: int, reason: str, score: int) -> None:
        if ids[i] == ids[j] or (among is not None and ids[i] not in among and ids[j] not in among):
            return
        key = (min(ids[i], ids[j]), max(ids[i], ids[j]))
        found.setdefault(key, {})[reason] = score

    by_word: dict[str, list[int]] = {}
    for index, spelling in enumerate(spellings):
        first_word = spelling.name_words[:1]
        for key in {*spelling.acronym_words, spelling.acronym, spelling.name, *("name:" + word for word in first_word)}:
            if key:
                by_word.setdefault(key, []).append(index)
    for members in by_word.values():  # the exact rules only pair spellings that share a word or a whole form
        for position, i in enumerate(members):
            for j in members[position + 1:]:
                for reason in _rules(spellings[i], spellings[j]):
                    add(i, j, reason, RULE_SCORES[reason])
    names = [" ".join(spelling.name_words) for spelling in spellings]
    named = [index for index, name in enumerate(names) if name]
    if len(named) > 1:
        scores = process.cdist([names[i] for i in named], [names[i] for i in named], scorer=fuzz.token_sort_ratio,
                               score_cutoff=NAME_CUTOFF, dtype=np.uint8, workers=-1)
        for a, b in zip(*np.nonzero(np.triu(scores, k=1))):
            add(named[a], named[b], "similar_names", int(scores[a, b]))
    rows = [(first, second, max(reasons.values()), [reason for reason in REASONS if reason in reasons])
            for (first, second), reasons in found.items()]
    pairs = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    return pairs.sort_values(["score", "first_id", "second_id"], ascending=[False, True, True],
                             ignore_index=True)


PROPOSAL_COLUMNS = ["first_id", "second_id", "score", "reasons",
                    *(f"{side}_{column}" for side in ("first", "second") for column in REGISTERED_COLUMNS[1:])]


def merge_proposals(where: Engine | Connection | Session, among: set[int] | None = None) -> pd.DataFrame:
    """Pairs that may be one organisation and that nobody marked distinct (``PROPOSAL_COLUMNS``), the surest
    first. The first of a pair is the one with more 3W rows: the one a merge would naturally keep."""
    organisations = organisation_frame(where)
    pairs = candidate_pairs(organisations, among)
    ruled_out = distinct_pairs(where)
    pairs = pairs[[frozenset(pair) not in ruled_out for pair in zip(pairs["first_id"], pairs["second_id"])]]
    details = organisations.set_index("organisation_id")
    rows = []
    for pair in pairs.itertuples():
        first, second = pair.first_id, pair.second_id
        if details.at[second, "rows"] > details.at[first, "rows"]:
            first, second = second, first
        rows.append([first, second, pair.score, pair.reasons,
                     *details.loc[first, REGISTERED_COLUMNS[1:]], *details.loc[second, REGISTERED_COLUMNS[1:]]])
    return none_for_missing(pd.DataFrame(rows, columns=PROPOSAL_COLUMNS),
                             [f"{side}_{column}" for side in ("first", "second") for column in ("acronym", "name")])
