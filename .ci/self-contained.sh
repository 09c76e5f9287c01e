#!/usr/bin/env bash
# The repository is self-contained: no tracked file may refer to a folder beside it (`../shared`,
# `shared/data`) or to a design document that is not in it (`DESIGN.md`; the definitions are
# docs/DEFINITIONS.md). Prints the offending lines and exits non-zero if any file does.
set -euo pipefail
cd "$(dirname "$0")/.."

pattern='\.\./shared|shared/data|DESIGN\.md'
# Tracked files only (target/ is not tracked), binary files skipped, this script excluded.
if hits=$(git grep -n -I -E "$pattern" -- . ':(exclude).ci/self-contained.sh'); then
    echo "error: these lines refer to files outside the repository (use test_data/ or docs/DEFINITIONS.md):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "self-contained: no tracked file refers to ../shared, shared/data or DESIGN.md"
