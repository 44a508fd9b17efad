"""E4 — two time-scale updates (TTUR) vs SGDA for WGAN-GP, judged by Fréchet distance.

`saddle` is E4.1's toy, `fd_checks` tests the FD estimator (E4.2, E4.3), `training` trains one
(dataset, variant) through the engine, `claims` judges E4.1–E4.6, `tables` builds the final and
wall-clock tables, and `steps` holds the functions the workflow's rules call.
"""
