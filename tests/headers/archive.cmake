# SPDX-License-Identifier: MIT
cmake_policy(SET CMP0057 NEW) # IN_LIST
# libvcm.a is what a static link pulls in whole, helpers included (hidden
# visibility only keeps them out of libvcm.so): every global it defines is a
# public vcm_ name or an internal one ending in '_', so a program's own
# helper (a sys_live(), a gobj_ok()) never clashes with ours; and no two
# members share a name, which `ar x` and a repack would silently drop.
# In: NM (the nm program), AR (the ar program), LIB (libvcm.a).
execute_process(COMMAND ${NM} -g --defined-only ${LIB}
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -g --defined-only ${LIB} failed (${rc})")
endif()
string(REPLACE "\n" ";" rows "${out}")
set(bad)
foreach(row IN LISTS rows)
  if(NOT row MATCHES "^[0-9a-fA-F]+ [A-Za-z] ([^ ]+)$")
    continue()
  endif()
  set(name ${CMAKE_MATCH_1})
  # the sanitizers' and the compiler's own (ASan ODR indicators, coverage)
  if(name MATCHES "^__(odr_asan|asan_|ubsan_|tsan_|sanitizer_|sancov)" OR name MATCHES "^\\.")
    continue()
  endif()
  if(NOT name MATCHES "^vcm_" AND NOT name MATCHES "_$")
    list(APPEND bad ${name})
  endif()
endforeach()
if(bad)
  list(JOIN bad " " text)
  message(FATAL_ERROR "libvcm.a defines globals that are neither vcm_ nor name_: ${text}")
endif()

execute_process(COMMAND ${AR} t ${LIB} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${AR} t ${LIB} failed (${rc})")
endif()
string(REPLACE "\n" ";" members "${out}")
list(REMOVE_ITEM members "")
set(seen)
set(dup)
foreach(m IN LISTS members)
  if(m IN_LIST seen)
    list(APPEND dup ${m})
  endif()
  list(APPEND seen ${m})
endforeach()
if(dup)
  list(JOIN dup " " text)
  message(FATAL_ERROR "libvcm.a has members with the same name (ar x keeps one): ${text}")
endif()
list(LENGTH members n)
message(STATUS "libvcm.a: ${n} members, every global vcm_ or name_")
