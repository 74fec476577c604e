"""Tests of the case helpers in shared.cases."""
