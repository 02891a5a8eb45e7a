"""Analysis: what a student asks beyond the numbers. Receptive fields, valid input sizes and their
closed forms, solving for an unknown hyperparameter, and fast exact evaluation of size expressions.

May import: core, rules, tracing, flops and solutions (never grading: the two are peers).
"""
