"""Normalisation of cell values: text folding, progress, dates, phases and offices."""
