"""The AudioStack HTTP client: one attempt under a deadline, retries and cooldown, the JSON
envelope decoded into model values, typed errors, upload bodies and the GET-only remote read.
The only layer that speaks HTTP to AudioStack."""
