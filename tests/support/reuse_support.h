/* For the tests of what a stored index's reuse records allow
 * (core/src/ingest/ingest_reuse.c): an index another build of the
 * extractor made. */
#ifndef PT_REUSE_SUPPORT_H
#define PT_REUSE_SUPPORT_H

/* Changes one byte of the extractor digest in every reuse record of the
 * SQLite index at path, as an index made by another build of the
 * extractor (other queries or extraction code) would carry it. */
void pt_test_stamp_other_extractor(const char *path);

#endif
