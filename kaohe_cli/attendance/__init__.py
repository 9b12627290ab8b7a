"""Stage 1b: attendance exports (DingTalk, WeCom): their layouts and day texts (vocabulary in domain).
Takes raw sheets from `read`; gives per-person attendance counts shaped like a 考勤 sheet, with Issues."""
