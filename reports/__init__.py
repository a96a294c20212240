"""Report stage: scoring and the HTML, Excel and JSON outputs."""
