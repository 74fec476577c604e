"""The umum service: Layanan Umum Perangkat Daerah."""
