"""The platform simulator: a realistic local warehouse with known defects (`nbadq sample`), and the simulated
Phase 3 / Phase 4 processors that both the sample builder and the local processor service run."""
