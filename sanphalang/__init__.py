"""Sanphalang (สานพลัง): command line, configuration and process supervision."""
