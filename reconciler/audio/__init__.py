"""Audio facts of local files, read offline: container sniffing, exact durations (the MP3
frame walker), sha256, and the cache that keeps a warm re-plan from reading them again."""
