"""Data files: rules, indicators and vocabularies."""
