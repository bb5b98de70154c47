"""The registry of captured and deceased persons: records from official lists, their import, the staff reads and
the database side of the lookup engine (keys in indexed tables). See docs/registry-format.md and docs/lookup.md."""
