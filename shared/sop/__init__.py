"""SOP definitions: the typed model, validation and the file loader."""
