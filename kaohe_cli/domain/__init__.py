"""Shared vocabulary of the domain: period codes, exact points, working days, sheet and column synonyms.
Takes nothing from the other stages; every stage may use it."""
