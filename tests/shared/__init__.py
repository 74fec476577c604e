"""Halo Lamsel."""
