"""E5 — forward super-resolution: SGDA learns a hierarchical distribution coarse to fine (Allen-Zhu & Li).

`reference` fixes the real reference sample and the sampling floors, `training` trains one (dataset,
critic variant) multi-resolution GAN through the engine, `sparsity` fits dictionaries to real detail
bands (E5.5), `claims` judges E5.1–E5.5, `tables` builds the final, dictionary and wall-clock tables,
and `steps` holds the functions the workflow's rules call through `python -m gantheory`.
"""
