"""One module per subcommand (layer 5). Each exposes `register(subparsers)` and
`run(args, ctx) -> int`; heavy imports happen inside `run` so `--help` stays fast."""
