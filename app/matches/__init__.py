"""Case matches: registry persons proposed for a case by the lookup, confirmed or rejected by case officers, and the
re-search of open cases after a registry import. See docs/lookup.md."""
