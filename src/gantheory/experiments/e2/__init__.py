"""E2 — restricted discriminators only match moments; strict divergences converge weakly (Liu et al. 2017).

`settings` checks what each step reads of config section `e2`, `exact` holds the computations without
training (E2.1, E2.5, the W1 sampling floors), `training` trains one (family, generator) through the
engine, `claims` judges E2.1–E2.5, `tables` builds the moment-gap table, and `steps` holds the three
functions the workflow's rules call through `python -m gantheory`.
"""
