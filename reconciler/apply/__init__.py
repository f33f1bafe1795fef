"""The apply engine: executes a plan's write changes (upload, read back, create once, wait),
emits progress events, and produces the report and journal."""
