"""Stage 4: the event ledger → component scores, caps, weights, totals, rules, ranks, grades and quotas.
Takes `events.prepared.Prepared` (a period) or archived period rows (a year); gives `Result` / `AnnualResult`."""
