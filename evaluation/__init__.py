"""Measuring Verbatim: retrieval metrics, evaluation data sets, runs in TREC format.

It sits above ``index/`` and ``retrieval/`` like the app does: it builds a data
set's own private index, then queries it.
"""
