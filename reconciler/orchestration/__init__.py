"""Orchestration: one repository planned as a library call (plan_repository) from typed
inputs (PlanSource, Selection), and the git reads it needs (base tree, changed paths)."""
