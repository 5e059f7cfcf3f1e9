"""Digitallotse: grounded answers on municipal digitalisation."""

__version__ = "0.1.0"
