"""One-time codes by phone: a no-account reporter proves a mobile number (emergency reports)."""
