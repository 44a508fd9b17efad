"""E1 — PRG-seeded ReLU generators vs trained Lipschitz discriminators (Chen, Li, Li, Meka, ICLR 2022).

`generators` builds the hypergraph rows, certifies W1, checks the Keras ReLU generator against the
NumPy reference and measures its moments; `discriminators` trains every critic and classifier of a
target as stacked models; `claims` judges E1.1–E1.6, `tables` builds the W1, detection, moment and
check tables, and `steps` holds the functions the workflow's rules call through `python -m gantheory`.
"""
