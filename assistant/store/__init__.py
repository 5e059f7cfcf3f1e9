"""Storage: manifest (SQLite, source of truth), vectors (Chroma), lexical index (BM25)."""
