"""The perizinan service: Perizinan dan Rekomendasi."""
