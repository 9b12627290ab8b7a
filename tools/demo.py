"""`make demo`: the clerk's job on sample_data/, end to end, printing each command first.

Runs the installed CLI as a separate process for each step, exactly as a clerk would type
it, and writes everything under the output folder (default demo_out/), which it recreates.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def run(*args: str, ok_codes=(0,), cwd: Path = ROOT) -> int:
    shown = " ".join(a if " " not in a else f'"{a}"' for a in ("kaohe",) + args)
    print(f"\n$ {shown}", flush=True)
    proc = subprocess.run([sys.executable, "-m", "kaohe_cli", *args], cwd=cwd)
    if proc.returncode not in ok_codes:
        print(f"演示中止：命令退出码 {proc.returncode}", file=sys.stderr)
        sys.exit(proc.returncode)
    return proc.returncode


def main() -> None:
    out = ROOT / (sys.argv[1] if len(sys.argv) > 1 else "demo_out")
    if out.exists():
        shutil.rmtree(out)
    (out / "templates").mkdir(parents=True)
    db = str(out / "kaohe.db")
    run("init", str(out), "--unit-name", "某某县住房和城乡建设局", "--scheme", "zhujian",
        "--contact-person", "王建华", "--contact-phone", "0000-12345678",
        "--contact-address", "局机关三楼人事科", "--posted-at", "机关一楼公示栏")

    run("schemes", "list")
    for scheme in ("zhujian", "caizheng", "jinjiang", "mubiao", "gonghui", "kexie"):
        run("template", "--scheme", scheme, "-o", str(out / "templates" / f"{scheme}-模板.xlsx"))

    # The messy March workbook: title rows, synonyms, merged headers, a 合计 row.
    run("check", str(SAMPLE / "caizheng" / "messy" / "2023-03.xlsx"), "--scheme", "caizheng")

    months = sorted((SAMPLE / "zhujian").glob("2023-*.xlsx"))
    run("check", str(months[2]), "--scheme", "zhujian")
    run("score", *map(str, months), "--scheme", "zhujian", "--db", db, "-o", str(out / "zhujian"))
    for f in sorted((SAMPLE / "caizheng").glob("2023-*.xlsx")):
        run("score", str(f), "--scheme", "caizheng", "--db", db, "-o", str(out / "caizheng" / f"{f.stem}-考核结果.xlsx"))
    # The same March as a DingTalk 月度汇总 export: what kaohe recognises, then scored with it.
    export = SAMPLE / "exports" / "钉钉月度汇总-2023-03.xlsx"
    run("check", str(export))
    run("score", str(SAMPLE / "caizheng" / "2023-03.xlsx"), "--scheme", "caizheng", "--attendance", str(export),
        "--no-archive", "-o", str(out / "caizheng" / "2023-03-钉钉考勤-考核结果.xlsx"))
    for f in sorted((SAMPLE / "jinjiang").glob("2023Q*.xlsx")):
        run("score", str(f), "--scheme", "jinjiang", "--db", db, "-o", str(out / "jinjiang" / f"{f.stem}-考核结果.xlsx"))
    run("score", str(SAMPLE / "mubiao" / "2023.xlsx"), "--scheme", "mubiao", "--quota", "先进=2", "--db", db,
        "-o", str(out / "mubiao" / "2023-考核结果.xlsx"))
    run("score", str(SAMPLE / "gonghui" / "2023.xlsx"), "--scheme", "gonghui", "--db", db,
        "-o", str(out / "gonghui" / "2023-考核结果.xlsx"))
    run("score", str(SAMPLE / "kexie" / "2023.xlsx"), "--scheme", "kexie", "--db", db,
        "-o", str(out / "kexie" / "2023-考核结果.xlsx"))
    # Publish: the 公示 (dated before a holiday), result letters, 诫勉谈话 notices.
    run("notice", "--publicize", "--period", "2023-03", "--scheme", "zhujian", "--date", "2023-09-27", "--html", cwd=out)
    run("notice", "--feedback", "--period", "2023-03", "--scheme", "zhujian", "--date", "2023-04-03", "--merge", cwd=out)
    run("notice", "--talk", "--period", "2023-11", "--scheme", "zhujian", "--date", "2023-12-04", cwd=out)
    run("explain", "梁婉馨", "--period", "2023-03", "--scheme", "zhujian", "--db", db)

    # Year end: the annual results, quotas and ties, from the archived periods.
    run("quota", "--year", "2023", "--scheme", "zhujian", "--db", db, "-o", str(out / "zhujian" / "2023-年度汇总.xlsx"))
    run("quota", "--year", "2023", "--scheme", "caizheng", "--quota", "优秀=15%", "--db", db,
        "-o", str(out / "caizheng" / "2023-年度汇总.xlsx"))
    run("quota", "--year", "2023", "--scheme", "gonghui", "--db", db, "-o", str(out / "gonghui" / "2023-年度汇总.xlsx"))
    run("history", "梁婉馨", "--db", db)
    print(f"\n演示完成。结果在 {out.relative_to(ROOT)}/ 下，档案库 {Path(db).relative_to(ROOT)}。")


if __name__ == "__main__":
    main()
