"""Solutions: worked solutions as data. The general formula of a layer type (its rule called with
symbols), arithmetic steps from expression trees, the Derivation of a traced net, and the JSON
document and summary table; each renders itself with core.render and the templates.

May import: core, rules, tracing and flops.
"""
