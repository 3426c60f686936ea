"""Readers, one per published format. The loader asks each in turn whether it recognises a file's header."""
