"""Reporting: the seven indicators, projected from the three sources' event logs."""
