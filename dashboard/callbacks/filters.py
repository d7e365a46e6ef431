"""The Dash side of the declared filters (:mod:`dashboard.domain.filters`): their inputs, in declaration order,
and the report parameters a callback's values make."""

from __future__ import annotations

from collections.abc import Sequence

from dash import Input

from dashboard.domain.filters import FILTERS
from dashboard.reports import ReportParams
from dashboard.reports.params import params_from_controls


def filter_inputs() -> tuple[Input, ...]:
    """One input per declared filter: its control's value."""
    return tuple(Input(declared.control, "value") for declared in FILTERS)


def params_from_values(values: Sequence[object], lang: str) -> ReportParams:
    """The report parameters of a callback's filter values (in the order of :func:`filter_inputs`)."""
    return params_from_controls(dict(zip((declared.control for declared in FILTERS), values)), lang)
