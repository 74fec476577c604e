"""The web part: the reference front end (``web/dist``) served at ``/``."""
