"""Disdukcapil's external systems, one module each, behind a small interface."""
