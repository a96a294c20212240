"""Where the test data lives: the vendored corpus and notices (overridable for a newer corpus)."""

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CORPUS = Path(os.environ.get("GONGKAI_CORPUS", TESTS / "corpus"))
CORPUS_PAGES = CORPUS / "pages"
NOTICES = TESTS / "notices"
