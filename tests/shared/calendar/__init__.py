"""Tests of shared.calendar."""
