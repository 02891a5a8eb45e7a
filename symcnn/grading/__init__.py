"""Grading: checking a student's answers sheet. The sheet's items and its TOML schema, expected
values, the classic mistakes recomputed by id, formula equivalence, the diagnosis and the report.

May import: core, rules, tracing, flops and solutions (never analysis: the two are peers).
"""
