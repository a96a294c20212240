"""Check stage: rules (config YAML) judged by check kinds (one module per kind)."""
