"""E3 — optimal-discriminator dynamics converge; first-order dynamics fail (Li et al., ICML 2018).

`simulation` runs one family of dynamics, `outcomes` is the outcome rule (with E3.3's signs),
`claims` judges E3.1–E3.5, `tables` builds the outcome table, and `steps` holds the three functions
the workflow's rules call through `python -m gantheory`.
"""
