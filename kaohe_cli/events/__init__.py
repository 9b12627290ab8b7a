"""Stage 3: typed frames and a scheme → the event ledger (one line per deduction, bonus, marker, rating).
Takes `normalize` frames and a `Scheme`; gives `engine.core.Prepared`."""
