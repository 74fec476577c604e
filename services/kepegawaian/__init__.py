"""The kepegawaian service: Kepegawaian (BKD)."""
