"""Coordination analyses: pure functions over the activity frame (see DESIGN.md, "Analyses")."""
