"""Page layouts and figure builders (no callbacks here)."""
