"""Declarations: strict YAML with locations, JSON Schemas, repository paths, engine rules and
the loader that turns a repository's voice files into `Declaration` values (or every
diagnostic in one pass). Reads the work tree; never the network."""
