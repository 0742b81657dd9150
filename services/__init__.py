"""The Sanphalang services: a shared chassis, reference data, and one package per service."""
