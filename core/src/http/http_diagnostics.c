/* /ingestion-diagnostics-coverage-report (docs/contract/http-api.md
 * 5.25): the tests pt01 left out, word coverage per file, and the ignored
 * files and folders, all from the loaded graph. */
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/error.h"
#include "pt/path.h"

static double pct(uint64_t part, uint64_t whole)
{
  return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

static double effective_pct(const pt_file_record *f)
{
  uint64_t skip = f->import_words + f->comment_words;
  return pct(f->entity_words, f->source_words > skip ? f->source_words - skip : 0);
}

/* "folder_path" and "filename" of a root-relative path
 * (docs/contract/ingestion.md 10). */
static void folder_and_name(pt_json *j, const char *path)
{
  pt_span folder;
  const char *name;
  pt_path_split(path, &folder, &name);
  pt_json_key(j, "folder_path");
  pt_json_strn(j, folder.ptr, folder.len);
  pt_json_key(j, "filename");
  pt_json_str(j, name);
}

static void tests_section(pt_req *r, const pt_page *pg)
{
  const pt_graph *g = r->st->g;
  pt_json *j = &r->json;
  pt_json_key(j, "test_entities_excluded");
  pt_json_obj(j);
  pt__page_counts(r, pg, pt_graph_n_tests(g));
  pt_json_key(j, "entities");
  pt_json_arr(j);
  for (size_t i = pg->offset; i < pg->offset + pt__page_len(pg, pt_graph_n_tests(g)); i++) {
    const pt_test_entity *t = &pt_graph_tests(g)[i];
    pt_json_obj(j);
    pt_json_key(j, "entity_name");
    pt_json_str(j, t->key);
    folder_and_name(j, t->file_path);
    pt_json_key(j, "entity_class");
    pt_json_str(j, "TestImplementation");
    pt_json_key(j, "language");
    pt_json_str(j, pt_lang_name(t->lang));
    pt_json_key(j, "line_start");
    pt_json_uint(j, t->line_start);
    pt_json_key(j, "line_end");
    pt_json_uint(j, t->line_end);
    pt_json_key(j, "detection_reason");
    pt_json_str(j, t->reason);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt_json_obj_end(j);
}

static void coverage_avgs(const pt_req *r, double *avg_raw, double *avg_eff)
{
  const pt_graph *g = r->st->g;
  size_t n = pt_graph_n_files(g);
  double sum_raw = 0, sum_eff = 0;
  for (size_t i = 0; i < n; i++) {
    const pt_file_record *f = &pt_graph_files(g)[i];
    sum_raw += pct(f->entity_words, f->source_words);
    sum_eff += effective_pct(f);
  }
  *avg_raw = n ? sum_raw / (double)n : 0.0;
  *avg_eff = n ? sum_eff / (double)n : 0.0;
}

static void word_section(pt_req *r, const pt_page *pg)
{
  const pt_graph *g = r->st->g;
  pt_json *j = &r->json;
  double avg_raw, avg_eff;
  coverage_avgs(r, &avg_raw, &avg_eff);
  pt_json_key(j, "word_count_coverage");
  pt_json_obj(j);
  pt_json_key(j, "avg_raw_coverage_pct");
  pt_json_double(j, avg_raw);
  pt_json_key(j, "avg_effective_coverage_pct");
  pt_json_double(j, avg_eff);
  pt_json_key(j, "total_files");
  pt_json_uint(j, pt_graph_n_files(g));
  pt__page_counts(r, pg, pt_graph_n_files(g));
  pt_json_key(j, "files");
  pt_json_arr(j);
  for (size_t i = pg->offset; i < pg->offset + pt__page_len(pg, pt_graph_n_files(g)); i++) {
    const pt_file_record *f = &pt_graph_files(g)[i];
    pt_json_obj(j);
    folder_and_name(j, f->path);
    pt_json_key(j, "language");
    pt_json_str(j, pt_lang_name(f->lang));
    pt_json_key(j, "source_word_count");
    pt_json_uint(j, f->source_words);
    pt_json_key(j, "entity_word_count");
    pt_json_uint(j, f->entity_words);
    pt_json_key(j, "import_word_count");
    pt_json_uint(j, f->import_words);
    pt_json_key(j, "comment_word_count");
    pt_json_uint(j, f->comment_words);
    pt_json_key(j, "raw_coverage_pct");
    pt_json_double(j, pct(f->entity_words, f->source_words));
    pt_json_key(j, "effective_coverage_pct");
    pt_json_double(j, effective_pct(f));
    pt_json_key(j, "entity_count");
    pt_json_uint(j, f->n_entities);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt_json_obj_end(j);
}

static void ignored_section(pt_req *r, const pt_page *pg)
{
  const pt_graph *g = r->st->g;
  const pt_ignored_file *ig = pt_graph_ignored(g);
  size_t n = pt_graph_n_ignored(g);
  pt_json *j = &r->json;
  pt_json_key(j, "ignored_files");
  pt_json_obj(j);
  pt__page_counts(r, pg, n);
  /* by extension, keys in byte order (the earlier tool's order was random) */
  pt_json_key(j, "by_extension");
  pt_json_obj(j);
  const char *prev = NULL;
  for (;;) {
    const char *next = NULL;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
      const char *e = pt_path_extension(ig[i].path);
      if ((!prev || strcmp(e, prev) > 0) && (!next || strcmp(e, next) < 0))
        next = e;
    }
    if (!next)
      break;
    for (size_t i = 0; i < n; i++)
      count += strcmp(pt_path_extension(ig[i].path), next) == 0;
    pt_json_key(j, next);
    pt_json_uint(j, count);
    prev = next;
  }
  pt_json_obj_end(j);
  pt_json_key(j, "files");
  pt_json_arr(j);
  for (size_t i = pg->offset; i < pg->offset + pt__page_len(pg, n); i++) {
    pt_json_obj(j);
    folder_and_name(j, ig[i].path);
    pt_json_key(j, "extension");
    pt_json_str(j, pt_path_extension(ig[i].path));
    pt_json_key(j, "reason");
    pt_json_str(j, ig[i].reason);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt_json_obj_end(j);
}

int pt__h_diagnostics(pt_req *r)
{
  enum { ALL, TESTS, WORDS, IGNORED, SUMMARY };
  static const char *const sections[] = {"all", "test_entities", "word_coverage",
                                         "ignored_files", "summary"};
  const pt_graph *g = r->st->g;
  int section;
  pt_page pg;
  if (pt__req_choice(r, "section", sections, 5, ALL, &section) ||
      pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  pt__resp_begin(r);
  if (section == SUMMARY) {
    double avg_raw, avg_eff;
    coverage_avgs(r, &avg_raw, &avg_eff);
    pt_json *j = &r->json;
    pt_json_key(j, "summary");
    pt_json_obj(j);
    pt_json_key(j, "test_entities_count");
    pt_json_uint(j, pt_graph_n_tests(g));
    pt_json_key(j, "total_files_with_coverage");
    pt_json_uint(j, pt_graph_n_files(g));
    pt_json_key(j, "avg_raw_coverage_pct");
    pt_json_double(j, avg_raw);
    pt_json_key(j, "avg_effective_coverage_pct");
    pt_json_double(j, avg_eff);
    pt_json_key(j, "ignored_files_count");
    pt_json_uint(j, pt_graph_n_ignored(g));
    pt_json_obj_end(j);
    pt__resp_end(r);
    return 0;
  }
  if (section == ALL || section == TESTS)
    tests_section(r, &pg);
  if (section == ALL || section == WORDS)
    word_section(r, &pg);
  if (section == ALL || section == IGNORED)
    ignored_section(r, &pg);
  pt__resp_end(r);
  return 0;
}
