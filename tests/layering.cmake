# The layering rules of docs/architecture.md, checked on the sources:
# 1. core includes no OS header and no RocksDB (only pt/sys/ reaches the OS);
# 2. core/src is one folder per stage, and a file of a stage includes only
#    headers of its own stage and of the stages below it, whether public
#    (core/include/pt/, each assigned to a stage below) or private
#    ("graph/key.h", or a plain "x.h" of its own folder);
# 3. a public header likewise includes only headers of its stage or below;
# 4. core never includes the programs (cli/, service/) or platform/.
# Run with -DCORE_DIR=<core>.
cmake_minimum_required(VERSION 3.20)
set(_stages base graph extract ingest store analysis live mcp http serve)

# The stage of each public header; pt/sys/* are platform interfaces that
# every stage may use. A new header must be placed here.
set(_hdr_base alloc arena bits both buf compat error hash json log path ptrmap strmap
  varint version)
set(_hdr_graph graph graph_load_code model)
set(_hdr_extract extract lang)
set(_hdr_ingest ignore ingest test_map walk)
set(_hdr_store record_codec store)
set(_hdr_analysis analysis qgraph)
set(_hdr_live debounce live live_path)
set(_hdr_mcp mcp)
set(_hdr_http server)
set(_hdr_serve serve)

function(stage_index name out)
  list(FIND _stages "${name}" _i)
  set(${out} ${_i} PARENT_SCOPE)
endfunction()

# The stage index of a public header's stem, -1 for pt/sys, -2 if unknown.
function(header_stage stem out)
  if(stem MATCHES "^sys/")
    set(${out} -1 PARENT_SCOPE)
    return()
  endif()
  set(_i 0)
  foreach(_s IN LISTS _stages)
    if(stem IN_LIST _hdr_${_s})
      set(${out} ${_i} PARENT_SCOPE)
      return()
    endif()
    math(EXPR _i "${_i} + 1")
  endforeach()
  set(${out} -2 PARENT_SCOPE)
endfunction()

set(_bad "")

# Checks one file's includes against the stage index `own`.
function(check_file file own)
  file(STRINGS "${file}" _lines REGEX "^[ \t]*#[ \t]*include")
  foreach(_l IN LISTS _lines)
    if(_l MATCHES "[<\"](windows|winbase|unistd|dirent|pthread|fcntl)\\.h|<sys/|rocksdb/")
      list(APPEND _bad "${file}: OS header: ${_l}")
    elseif(_l MATCHES "\"pt/([a-z_/]+)\\.h\"")
      header_stage("${CMAKE_MATCH_1}" _hs)
      if(_hs EQUAL -2)
        list(APPEND _bad "${file}: pt/${CMAKE_MATCH_1}.h has no stage in tests/layering.cmake")
      elseif(_hs GREATER own)
        list(GET _stages ${_hs} _name)
        list(APPEND _bad "${file}: includes pt/${CMAKE_MATCH_1}.h of the higher stage ${_name}")
      endif()
    elseif(_l MATCHES "\"([a-z_]+)/[a-z_]+\\.h\"")
      stage_index("${CMAKE_MATCH_1}" _hs)
      if(_hs EQUAL -1)
        list(APPEND _bad "${file}: outside core: ${_l}")
      elseif(_hs GREATER own)
        list(APPEND _bad "${file}: includes a header of the higher stage ${CMAKE_MATCH_1}: ${_l}")
      endif()
    elseif(_l MATCHES "\"\\.\\.|\"(cli|service|platform)")
      list(APPEND _bad "${file}: outside core: ${_l}")
    endif()
  endforeach()
  set(_bad "${_bad}" PARENT_SCOPE)
endfunction()

file(GLOB _folders LIST_DIRECTORIES true RELATIVE "${CORE_DIR}/src" "${CORE_DIR}/src/*")
foreach(_d IN LISTS _folders)
  if(IS_DIRECTORY "${CORE_DIR}/src/${_d}")
    stage_index("${_d}" _own)
    if(_own EQUAL -1)
      list(APPEND _bad "core/src/${_d}: not a stage (${_stages})")
      continue()
    endif()
    file(GLOB _srcs "${CORE_DIR}/src/${_d}/*.c" "${CORE_DIR}/src/${_d}/*.h")
    foreach(_f IN LISTS _srcs)
      check_file("${_f}" ${_own})
    endforeach()
  else()
    list(APPEND _bad "core/src/${_d}: a file outside the stage folders")
  endif()
endforeach()

file(GLOB _pub RELATIVE "${CORE_DIR}/include/pt" "${CORE_DIR}/include/pt/*.h"
  "${CORE_DIR}/include/pt/*.h.in" "${CORE_DIR}/include/pt/sys/*.h")
foreach(_h IN LISTS _pub)
  string(REGEX REPLACE "\\.h(\\.in)?$" "" _stem "${_h}")
  header_stage("${_stem}" _own)
  if(_own EQUAL -2)
    list(APPEND _bad "pt/${_h}: has no stage in tests/layering.cmake")
  else()
    if(_own EQUAL -1)
      set(_own 0) # platform interfaces see only the base stage
    endif()
    check_file("${CORE_DIR}/include/pt/${_h}" ${_own})
  endif()
endforeach()

if(_bad)
  string(REPLACE ";" "\n" _msg "${_bad}")
  message(FATAL_ERROR "layering broken:\n${_msg}")
endif()
list(LENGTH _folders _n)
message(STATUS "layering: ${_n} stage folders, each including only itself and "
  "the stages below; no OS headers in core")
