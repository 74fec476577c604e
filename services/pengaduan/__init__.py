"""The pengaduan service: Pengaduan Masyarakat."""
