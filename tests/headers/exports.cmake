# SPDX-License-Identifier: MIT
# libvcm.so exports exactly the public interface: every dynamic symbol it
# defines starts with vcm_, and every function or object the public headers
# declare (marked VCM_API or not) is among them.
cmake_policy(SET CMP0057 NEW) # IN_LIST
# In: NM (the nm program), LIB (libvcm.so), HEADERS (include/vcm/*.h).
execute_process(COMMAND ${NM} -D --defined-only ${LIB}
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIB} failed (${rc})")
endif()
string(REPLACE "\n" ";" rows "${out}")
set(exported)
set(stray)
foreach(row IN LISTS rows)
  # "<value> <type> <name>[@version]"
  if(NOT row MATCHES "^[0-9a-fA-F]* *[A-Za-z] +([^ @]+)")
    continue()
  endif()
  set(name ${CMAKE_MATCH_1})
  # what a sanitizer build's compiler adds itself (gcc's ASan ODR indicators,
  # one per global): the library's interface is the rest
  if(name MATCHES "^__(odr_asan|asan_|ubsan_|tsan_|sanitizer_|sancov)")
    continue()
  endif()
  list(APPEND exported ${name})
  if(NOT name MATCHES "^vcm_")
    list(APPEND stray ${name})
  endif()
endforeach()

# What the headers declare at file scope, starting a line: a function
# ("[VCM_API] [extern] <type> [*]vcm_x(") or an object ("... vcm_x;"), not
# inside a comment, not static inline, not a typedef, not a macro.
set(declared)
foreach(h IN LISTS HEADERS)
  file(READ ${h} text)
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" text "${text}")
  string(REGEX REPLACE "\\\\\n" "" text "${text}")
  string(REPLACE ";" "<semi>" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^(#|static |typedef |[ \t])" OR line MATCHES "^(struct|enum|union) [A-Za-z0-9_]+ *(<semi>|{)")
      continue()
    endif()
    if(line MATCHES "^[A-Za-z_][A-Za-z0-9_ ]*[ *](vcm_[A-Za-z0-9_]+) *(\\(|<semi>|\\[)")
      list(APPEND declared ${CMAKE_MATCH_1})
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES declared)
set(missing)
foreach(name IN LISTS declared)
  if(NOT name IN_LIST exported)
    list(APPEND missing ${name})
  endif()
endforeach()

list(LENGTH exported n_exp)
list(LENGTH declared n_decl)
message(STATUS "libvcm.so exports ${n_exp} symbols; the headers declare ${n_decl}")
set(msg)
if(stray)
  list(JOIN stray "\n  " l)
  string(APPEND msg "exported but not vcm_ (mark nothing internal VCM_API):\n  ${l}\n")
endif()
if(missing)
  list(JOIN missing "\n  " l)
  string(APPEND msg "declared in include/vcm but not exported (VCM_API missing?):\n  ${l}\n")
endif()
if(msg)
  message(FATAL_ERROR "${msg}")
endif()
