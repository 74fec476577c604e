"""The one library every Halo Lamsel process uses: SOP model, engine, calendar,
persistence, events, auth."""
