"""Controls in the reader's language: Dash's own texts inside a dropdown ("Select All", "6 selected",
"Search", "No options found") come from the catalogue instead of Dash's English defaults."""

from __future__ import annotations

from dash import dcc

from dashboard.i18n import catalogue, language

#: the texts a Dash 4 dropdown shows of its own (``labels``), by the catalogue key that words each
DROPDOWN_LABELS = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
                   "no_options_found")


def dropdown_labels(lang: str) -> dict[str, str]:
    """Dash's dropdown texts in ``lang`` (``selected_count`` keeps Dash's ``{num_selected}`` placeholder)."""
    words = catalogue(language(lang))
    return {name: words[f"dropdown.{name}"] for name in DROPDOWN_LABELS}


def dropdown(lang: str, **props) -> dcc.Dropdown:
    """A ``dcc.Dropdown`` whose own texts are in ``lang``."""
    return dcc.Dropdown(labels=dropdown_labels(lang), **props)
