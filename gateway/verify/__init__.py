"""The public verification page of signed output documents (``/verify/<code>``)."""
