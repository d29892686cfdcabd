"""Turn report files (PDF, TXT in UTF-8/GBK/UTF-16) into text and metadata; no database."""
