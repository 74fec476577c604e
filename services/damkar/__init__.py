"""The damkar service: Pemadam Kebakaran dan Penyelamatan."""
