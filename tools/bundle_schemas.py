#!/usr/bin/env python3
"""Writes schemas/bundled/: each schema of schemas/ with every schema it refers to embedded under
its `$defs` (a JSON Schema 2020-12 compound document), so a plain validator needs no resolver:
`jsonschema.validate(msg, json.load(open("schemas/bundled/chart.schema.json")))`.

The files under schemas/ are the sources (edit those); their `$id`s are absolute URLs under
BASE, identifiers rather than download locations, and a `$ref` to another file ("chart-spec.schema.json")
resolves against them to that file's `$id`, which the embedded copy declares. Run after editing a
schema: `python3 tools/bundle_schemas.py` (tests/e2e/test_schemas.py fails when a bundle is stale).
`--check` only compares."""
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = "https://chartd.dev/schemas/v1/"


def load_sources():
    out = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "schemas", "*.schema.json"))):
        with open(path, encoding="utf-8") as f:
            out[os.path.basename(path)] = json.load(f)
    return out


def external_refs(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.add(ref.split("#", 1)[0])
        for v in node.values():
            external_refs(v, found)
    elif isinstance(node, list):
        for v in node:
            external_refs(v, found)
    return found


def bundle(name, sources):
    """The schema `name` with every file it refers to (and they to others) under $defs."""
    root = json.loads(json.dumps(sources[name]))
    todo, embedded = sorted(external_refs(root, set())), {}
    while todo:
        file = todo.pop(0)
        if file in embedded or file == name:
            continue
        if file not in sources:
            raise SystemExit(f"{name}: $ref to {file}, which is not in schemas/")
        embedded[file] = sources[file]
        todo.extend(sorted(external_refs(sources[file], set())))
    if embedded:
        defs = root.setdefault("$defs", {})
        for file, schema in sorted(embedded.items()):
            defs[file[: -len(".schema.json")]] = schema
    return root


def main():
    sources = load_sources()
    for name, schema in sources.items():
        if schema.get("$id") != BASE + name:
            raise SystemExit(f"schemas/{name}: $id must be {BASE + name}")
    out_dir = os.path.join(ROOT, "schemas", "bundled")
    stale = []
    for name in sources:
        text = json.dumps(bundle(name, sources), indent=2, ensure_ascii=False) + "\n"
        path = os.path.join(out_dir, name)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current != text:
            stale.append(name)
            if "--check" not in sys.argv:
                os.makedirs(out_dir, exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    if "--check" in sys.argv and stale:
        raise SystemExit("stale bundles (run python3 tools/bundle_schemas.py): " + ", ".join(stale))
    print(f"schemas/bundled: {len(sources)} schemas, {len(stale)} rewritten" if "--check" not in sys.argv
          else "schemas/bundled: up to date")


if __name__ == "__main__":
    main()
