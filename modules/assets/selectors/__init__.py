"""Reads of the assets module, one file per area; other modules read through these."""
