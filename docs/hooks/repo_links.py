"""MkDocs hook: links from docs/ to files elsewhere in the repository.

The Markdown pages link to files beside them in the repository (``../../experiments/x.toml``,
``../seeds/README.md``), which work when the files are read in the repository but are not
pages of the site. This hook turns such a link into its text followed by the file's path in
the repository, so the site has no broken link and ``mkdocs build --strict`` still fails on
any link that is broken in the repository too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s#]+)(#[^)\s]*)?\)")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Rewrite the page's links that leave ``docs/`` (or name a folder) as text and path."""
    docs = Path(config["docs_dir"]).resolve()
    root = docs.parent
    here = (docs / page.file.src_path).parent

    def replace(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if "://" in target or target.startswith(("mailto:", "/")):
            return match.group(0)
        resolved = (here / target).resolve()
        inside = resolved.is_relative_to(docs) and resolved.is_file()
        if inside or not resolved.exists() or not resolved.is_relative_to(root):
            return match.group(0)  # a page of the site, or broken: mkdocs decides
        path = resolved.relative_to(root).as_posix() + ("/" if resolved.is_dir() else "")
        shown = text.strip("`")
        return f"`{path}`" if shown in (path, path.rstrip("/")) else f"{text} (`{path}`)"

    return LINK.sub(replace, markdown)
