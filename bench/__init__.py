"""Reproducible performance measurements at national scale (see bench/README.md).

``python -m bench --activities N [--json]``. One module per family: queries
(ours beside pandas), pages (AppTest), ingest (beside the reader libraries),
memory (the running server with 1 and 20 sessions).
"""
