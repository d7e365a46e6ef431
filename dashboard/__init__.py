"""Mali 3W coordination dashboard: who does what where, on the OCHA COD-AB 2021 boundaries."""
