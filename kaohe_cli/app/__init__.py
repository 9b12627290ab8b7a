"""Use cases, one module per command: score, check, decide, quota, notice, template, explain, diff, history, demo.
Takes what the command line gives (paths, codes, options); gives results and files, via the stages below."""
