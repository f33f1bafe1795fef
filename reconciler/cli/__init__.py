"""The command line: argument parsing, the per-run context, the workspace (root, settings,
API), Git reads and the translation of failures into messages and exit codes. Subcommand
handlers live in `reconciler.commands`."""
