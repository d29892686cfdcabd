"""Turn report files (PDF, TXT in UTF-8/GBK/UTF-16) into text and metadata; no database."""

# The version of how a report's own level statement is read (metadata.extract_metadata's
# stated_level, level_statements, unclear_level_statements, and how ingest.pdf hands it
# the text a page shows). Raised by one whenever a change reads some statement otherwise
# (a stricter reading): a report whose stated level an older reader read is read again
# with this one before anything is decided on it (services.access), and stored with the
# version that read it (store.models.Report.reader). 1: the first version recorded; a
# report stored before then has none and counts as older. 2: a PDF whose cross-reference
# table is lost and that defines an object twice, or that holds a stream going on past its
# /Length, is refused, and an object in an object stream is read where its header places
# it (ingest.pdfrevision), an inline image ends where a viewer ends it (ingest.pdfinline), and
# the glyphs of a CID font whose encoding cannot be resolved are glyphs mapped to no character,
# and a form XObject without a bounding box is drawn (ingest.pdfshown): not read otherwise
# than a viewer shows it. 3: a statement of the report's own level under a label or in an
# order the reader did not read ("风险等级（本报告）：高风险", "报告风险评级 | R5", "Report risk
# level: High", "高风险为本报告的风险等级", "本报告等级：高风险", "报告风险：高风险") is one
# that cannot be read: naming another level, it leaves the report unrated
# (metadata._labelled_statements).
LEVEL_READER = 3
