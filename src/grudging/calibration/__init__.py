"""Calibrations: reproducible fits of model parameters to data up to the information date."""
