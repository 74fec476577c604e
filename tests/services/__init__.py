"""Tests of the department services and their SOP catalogs."""
