/* Key shapes (private to core): entity keys, file keys and placeholders.
 * docs/contract/ingestion.md 6, with its deliberate fixes: built from the
 * root-relative path, never shared by two definitions. */
#ifndef PT_KEY_H
#define PT_KEY_H

#include <stdint.h>

#include "pt/buf.h"
#include "pt/model.h"

/* "src/main.rs" -> "__src_main": extension of the last component dropped,
 * '/', '\\', '-', '.' -> '_', then "__" in front. */
int pt__key_semantic_path(pt_buf *out, const char *path);
/* Name sanitisation of docs/contract/ingestion.md 6.2 (", " and
 * ','<>[]{} and spaces). */
int pt__key_sanitize(pt_buf *out, const char *name);
/* 1577836800 + SipHash-1-3(path 0xFF ident 0xFF) mod 315360000, into
 * *out. PT_ENOMEM when out of memory (a wrong number would make a wrong
 * key, so there is no fallback). */
int pt__key_birth(const char *path, const char *ident, int64_t *out);
/* lang:token:sanitized(name):semantic_path:T<birth>. */
int pt__key_entity(pt_buf *out, pt_lang lang, pt_kind kind, const char *name,
                   const char *path, int64_t birth);
/* lang:file:<path with '/', '\\', '.' as '_'>:1-1 (references at file scope). */
int pt__key_file(pt_buf *out, pt_lang lang, const char *path);
/* lang:token:sanitized(name):unresolved-reference:0-0. */
int pt__key_placeholder(pt_buf *out, pt_lang lang, const char *token,
                        const char *name);

#endif
