# The tree-sitter runtime and the twelve grammars, compiled from the C sources
# that `npm ci --ignore-scripts` puts in PT_NODE_MODULES (pinned by
# package-lock.json). Always optimised: they are the parse floor we benchmark.
set(_nm "${PT_NODE_MODULES}")
if(NOT EXISTS "${_nm}/tree-sitter/vendor/tree-sitter/lib/src/lib.c")
  message(FATAL_ERROR "tree-sitter sources not found in ${_nm}; run "
    "'npm ci --ignore-scripts --legacy-peer-deps' or set PT_NODE_MODULES")
endif()

set(PT_TS_INCLUDE "${_nm}/tree-sitter/vendor/tree-sitter/lib/include")
add_library(pt_treesitter STATIC
  "${_nm}/tree-sitter/vendor/tree-sitter/lib/src/lib.c"
  "${_nm}/tree-sitter-c/src/parser.c"
  "${_nm}/tree-sitter-cpp/src/parser.c"
  "${_nm}/tree-sitter-cpp/src/scanner.c"
  "${_nm}/tree-sitter-c-sharp/src/parser.c"
  "${_nm}/tree-sitter-c-sharp/src/scanner.c"
  "${_nm}/tree-sitter-go/src/parser.c"
  "${_nm}/tree-sitter-java/src/parser.c"
  "${_nm}/tree-sitter-javascript/src/parser.c"
  "${_nm}/tree-sitter-javascript/src/scanner.c"
  "${_nm}/tree-sitter-php/php/src/parser.c"
  "${_nm}/tree-sitter-php/php/src/scanner.c"
  "${_nm}/tree-sitter-python/src/parser.c"
  "${_nm}/tree-sitter-python/src/scanner.c"
  "${_nm}/tree-sitter-ruby/src/parser.c"
  "${_nm}/tree-sitter-ruby/src/scanner.c"
  "${_nm}/tree-sitter-rust/src/parser.c"
  "${_nm}/tree-sitter-rust/src/scanner.c"
  "${_nm}/tree-sitter-swift/src/parser.c"
  "${_nm}/tree-sitter-swift/src/scanner.c"
  "${_nm}/tree-sitter-typescript/typescript/src/parser.c"
  "${_nm}/tree-sitter-typescript/typescript/src/scanner.c"
  "${_nm}/tree-sitter-typescript/tsx/src/parser.c"
  "${_nm}/tree-sitter-typescript/tsx/src/scanner.c"
  "${CMAKE_CURRENT_LIST_DIR}/grammar_workarounds.c")
# tree-sitter-swift 0.7.1 allocates its scanner state with calloc(0, ...):
# see cmake/grammar_workarounds.c.
set_source_files_properties("${_nm}/tree-sitter-swift/src/scanner.c"
  PROPERTIES COMPILE_DEFINITIONS "calloc=pt__swift_scanner_calloc")
# Grammar sources include "tree_sitter/parser.h" relative to their own src/.
set_source_files_properties(
  "${_nm}/tree-sitter/vendor/tree-sitter/lib/src/lib.c"
  PROPERTIES INCLUDE_DIRECTORIES "${_nm}/tree-sitter/vendor/tree-sitter/lib/src")
# Shared scanners in common/ include "tree_sitter/array.h" from their own src/.
foreach(_g php/php typescript/typescript typescript/tsx)
  string(REGEX REPLACE "/.*" "" _pkg "${_g}")
  string(REGEX REPLACE ".*/" "" _sub "${_g}")
  set_source_files_properties("${_nm}/tree-sitter-${_pkg}/${_sub}/src/scanner.c"
    PROPERTIES INCLUDE_DIRECTORIES "${_nm}/tree-sitter-${_pkg}/${_sub}/src")
endforeach()
target_include_directories(pt_treesitter PUBLIC "${PT_TS_INCLUDE}")
target_compile_definitions(pt_treesitter PRIVATE _POSIX_C_SOURCE=200112L _DEFAULT_SOURCE)
set_target_properties(pt_treesitter PROPERTIES C_EXTENSIONS OFF POSITION_INDEPENDENT_CODE ON)
if(NOT MSVC)
  target_compile_options(pt_treesitter PRIVATE -O2 -w)
endif()
# tree-sitter-swift's scanner shifts an int by up to 63 (`1 << suppressor`
# in scanner.c, a pinned third-party source): undefined behaviour that x86
# turns into a wrong bit test, not a crash (docs/reliability.md). The
# sanitizer and fuzz builds leave the grammars out of the shift checks
# alone (else every run that parses Swift stops there), so that their
# other faults still stop a run.
if(PT_SANITIZE OR PT_FUZZ)
  target_compile_options(pt_treesitter PRIVATE -fno-sanitize=shift)
endif()
