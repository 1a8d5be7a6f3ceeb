"""Refusals to cooperate and the serious-case procedure (proposal with evidence → notice to the
owner → objection period → a leader's decision → publication of the fact where the rules say so →
repair after a time of good conduct); the only place their states change. (Issue 12, part B: to be
built.)"""
