"""Where each key of a TOML file is written: key path → line, and the path as the clerk wrote it.

`TomlLines(text)` scans text that tomllib has already accepted, once, and records the line of
every key, table header and array element: `("items", 3, "component")` → 57. It follows table
headers (`[a.b]`, `[[a]]` counted per path), dotted and quoted keys, inline tables and arrays
over several lines, strings of the four kinds and comments. `line(loc)` is the line of the
nearest written ancestor of `loc`; `shown(loc, data)` is the path the way it is written:
`[[items]] 第4个「迟到」的 component`.
"""

from __future__ import annotations

import bisect
import re
import tomllib

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_WS = " \t"


class TomlLines:
    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines: dict[tuple, int] = {}
        self.headers: dict[tuple, str] = {}  # table path (without the index) → "[" or "[["
        self.pos = 0
        try:
            self._document()
        except (IndexError, ValueError, tomllib.TOMLDecodeError):  # pragma: no cover - text is valid TOML
            pass

    # ---- look-ups ---------------------------------------------------------------------------

    def line(self, loc: tuple) -> int | None:
        """The line of `loc`, else of its nearest written ancestor; None for the whole file."""
        loc = clean(loc)
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.lines:
                named = loc[:n] + ("name",)  # a table of an array: the line that names it
                return self.lines.get(named, self.lines[loc[:n]]) if isinstance(loc[n - 1], int) else self.lines[loc[:n]]
        return None

    def shown(self, loc: tuple, data: object) -> str:
        """`[[items]] 第4个「迟到」的 component`, `[grading] grades 第2个「良好」的 min`, `period`."""
        loc = clean(loc)
        head = 0
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.headers:
                head = n
                break
        parts: list[str] = []
        if head:
            kind = self.headers[loc[:head]]
            parts.append(f"[[{_dotted(loc[:head])}]]" if kind == "[[" else f"[{_dotted(loc[:head])}]")
        node = _walk(data, loc[:head])
        keys: list[str] = []
        for key in loc[head:]:
            if isinstance(key, int):
                name = node[key].get("name") if isinstance(node, list) and 0 <= key < len(node) and isinstance(node[key], dict) else None
                where = f"第{key + 1}个" + (f"「{name}」" if isinstance(name, str) and name else "")
                if keys:
                    parts.append(_dotted(tuple(keys)))
                    keys = []
                parts.append(where + "的")
                node = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            else:
                keys.append(key)
                node = node.get(key) if isinstance(node, dict) else None
        if keys:
            parts.append(_dotted(tuple(keys)))
        elif parts and parts[-1].endswith("的"):
            parts[-1] = parts[-1][:-1]
        text = " ".join(parts)
        return text or "（整个文件）"

    # ---- scanning ---------------------------------------------------------------------------

    def _lineno(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def _record(self, path: tuple, pos: int) -> None:
        for n in range(1, len(path) + 1):
            self.lines.setdefault(path[:n], self._lineno(pos))

    def _document(self) -> None:
        text, counts = self.text, {}
        table: tuple = ()
        while True:
            self._skip(newlines=True)
            if self.pos >= len(text):
                return
            start = self.pos
            if text.startswith("[[", self.pos):
                self.pos += 2
                path = self._key("]")
                self.pos += 2
                counts[path] = counts.get(path, -1) + 1
                table = path + (counts[path],)
                self.headers[path] = "[["
                self.lines[table] = self._lineno(start)
                self.lines.setdefault(path, self._lineno(start))
            elif text[self.pos] == "[":
                self.pos += 1
                table = self._key("]")
                self.pos += 1
                self.headers[table] = "["
                self._record(table, start)
            else:
                key = self._key("=")
                self.pos += 1
                self._record(table + key, start)
                self._value(table + key)

    def _skip(self, newlines: bool) -> None:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in _WS or (newlines and c in "\r\n"):
                self.pos += 1
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def _key(self, stop: str) -> tuple:
        """A dotted key up to `stop` (not consumed)."""
        parts: list[str] = []
        text = self.text
        while True:
            self._skip(newlines=False)
            c = text[self.pos]
            if c in "\"'":
                end = self._string_end()
                parts.append(tomllib.loads("k = " + text[self.pos:end])["k"])
                self.pos = end
            else:
                m = _BARE.match(text, self.pos)
                if not m:
                    raise ValueError(self.pos)
                parts.append(m.group())
                self.pos = m.end()
            self._skip(newlines=False)
            if text[self.pos] == ".":
                self.pos += 1
                continue
            if text.startswith(stop, self.pos):
                return tuple(parts)
            raise ValueError(self.pos)

    def _string_end(self) -> int:
        text, pos = self.text, self.pos
        for quote in ('"""', "'''"):
            if text.startswith(quote, pos):
                end = pos + 3
                while True:
                    end = text.index(quote, end)
                    if quote == '"""' and _escaped(text, end):
                        end += 1
                        continue
                    while text.startswith(quote[0], end + 3):  # up to two quotes may close it
                        end += 1
                    return end + 3
        quote, end = text[pos], pos + 1
        while text[end] != quote:
            end += 2 if quote == '"' and text[end] == "\\" else 1
        return end + 1

    def _value(self, path: tuple) -> None:
        self._skip(newlines=False)
        text = self.text
        c = text[self.pos]
        if c in "\"'":
            self.pos = self._string_end()
        elif c == "{":
            self.pos += 1
            while True:
                self._skip(newlines=True)
                if text[self.pos] == "}":
                    self.pos += 1
                    return
                if text[self.pos] == ",":
                    self.pos += 1
                    continue
                start = self.pos
                key = self._key("=")
                self.pos += 1
                self._record(path + key, start)
                self._value(path + key)
        elif c == "[":
            self.pos += 1
            i = 0
            while True:
                self._skip(newlines=True)
                if text[self.pos] == "]":
                    self.pos += 1
                    return
                if text[self.pos] == ",":
                    self.pos += 1
                    i += 1
                    continue
                self.lines.setdefault(path + (i,), self._lineno(self.pos))
                self._value(path + (i,))
        else:
            m = re.compile(r"[^,\]}\s#]+(?:[ T][0-9:.+\-Z]+)?").match(text, self.pos)
            self.pos = m.end() if m else self.pos + 1


def _escaped(text: str, pos: int) -> bool:
    n = 0
    while pos - n - 1 >= 0 and text[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def clean(loc: tuple) -> tuple:
    """A pydantic location without its validator parts (`function-after[...]`, `tuple[...]`, the
    `choice:` tags of a key written as one table or a list of them)."""
    return tuple(k for k in loc if isinstance(k, int) or not str(k).startswith(("function-", "tuple[", "choice:")))


def _dotted(keys: tuple) -> str:
    return ".".join(k if _BARE.fullmatch(k) else f'"{k}"' for k in keys)


def _walk(data: object, loc: tuple) -> object:
    node = data
    for key in loc:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return None
    return node
