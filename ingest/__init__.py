"""Ingestion: documents in, chunks with provenance out."""
