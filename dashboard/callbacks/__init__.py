"""Dash callbacks: thin wiring from inputs to the analysis and layout functions."""
