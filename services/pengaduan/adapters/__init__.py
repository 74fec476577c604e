"""Adapters of the pengaduan service to external systems."""
