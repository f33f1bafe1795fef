"""The plan: pure classification of declarations against remote state into `Change` values,
the policy rules, the JSON shape and checksum, and saved plan files. Apply executes exactly
what a plan holds."""
