"""Hostile inputs for the importer: the corpus (corpus.py) and what each one must produce."""
