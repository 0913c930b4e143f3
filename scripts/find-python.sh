#!/usr/bin/env bash
# Print the path of a working Python >= 3.12: first on PATH, then through pyenv.
# Exits non-zero with a clear message when there is none.
set -u
ok() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for name in python3.14 python3.13 python3.12 python3 python; do
    if command -v "$name" >/dev/null 2>&1 && ok "$name"; then
        command -v "$name"
        exit 0
    fi
done
if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$' | sort -t. -k1,1nr -k2,2nr -k3,3nr); do
        prefix=$(pyenv prefix "$version" 2>/dev/null) || continue
        for candidate in "$prefix/bin/python3" "$prefix/bin/python"; do
            if [ -x "$candidate" ] && ok "$candidate"; then
                echo "$candidate"
                exit 0
            fi
        done
    done
fi
echo "error: care-abm needs Python >= 3.12 (Mesa 3.5 requires it) and none was found on PATH or through pyenv." >&2
echo "       Install one (e.g. 'pyenv install 3.12') or put a python3.12 on PATH, then run make again." >&2
exit 1
