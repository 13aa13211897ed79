# SPDX-License-Identifier: MIT
# A group the hardware wrote through (cmake -P, from CTest):
#   vcm pt FMT --dirty --map MAP --dump F       one group leaf, written clean
#   pt_hwmark F MARK 5 SET CLEAR                the walker's update of entry 5 only
#   vcm pt decode FMT --base B --root R F
# Before the update the decoder shows one clean leaf; after it one leaf still
# (the accessed and dirty bits are not a difference between the entries), its
# attributes matching DIRTY, exit 0. With BROKEN=1 the change is more than
# the hardware makes: the group is malformed (exit 1, entry 5 reported).
#   VCM, HWMARK  the binaries          OUT   a scratch folder     NAME  test name
#   FMT  format options (;-list)       MAP   DA:PA:LEN:PROT of one group
#   MARK, SET, CLEAR  pt_hwmark's      DIRTY  regex the dirty leaf's line matches
cmake_policy(VERSION 3.13)
file(MAKE_DIRECTORY ${OUT})
set(bin ${OUT}/${NAME}.bin)

function(fail why)
  message(FATAL_ERROR "${NAME}: ${why}")
endfunction()

execute_process(COMMAND ${VCM} pt ${FMT} --dirty --map ${MAP} --dump ${bin}
  RESULT_VARIABLE rc OUTPUT_VARIABLE built ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("vcm pt exited ${rc}: ${err}")
endif()
if(NOT built MATCHES "dump [^ ]+: base (0x[0-9a-f]+) bytes (0x[0-9a-f]+) root (0x[0-9a-f]+)")
  fail("no dump line in:\n${built}")
endif()
set(dec ${VCM} pt decode ${FMT} --base ${CMAKE_MATCH_1} --root ${CMAKE_MATCH_3} ${bin})

execute_process(COMMAND ${dec} RESULT_VARIABLE rc OUTPUT_VARIABLE clean)
string(REGEX MATCHALL "leaf [^\n]*" leaves "${clean}")
list(LENGTH leaves n)
if(DIRTY AND clean MATCHES "${DIRTY}")
  fail("before the update the leaf is dirty already:\n${clean}")
endif()
if(NOT rc EQUAL 0 OR NOT n EQUAL 1 OR NOT clean MATCHES " contiguous ")
  fail("before the update: want exit 0 and one clean group leaf, got ${rc}:\n${clean}")
endif()

execute_process(COMMAND ${HWMARK} ${bin} ${MARK} 5 ${SET} ${CLEAR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE marked ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("pt_hwmark exited ${rc}: ${err}")
endif()

execute_process(COMMAND ${dec} RESULT_VARIABLE rc OUTPUT_VARIABLE got)
string(REGEX MATCHALL "leaf [^\n]*" leaves "${got}")
list(LENGTH leaves n)
if(BROKEN)
  if(NOT rc EQUAL 1 OR NOT got MATCHES "entry 5 of the [0-9]+-entry group starting at")
    fail("${marked}is not a hardware update: want exit 1 and entry 5 reported, got ${rc}:\n${got}")
  endif()
elseif(NOT rc EQUAL 0 OR NOT n EQUAL 1 OR NOT got MATCHES " contiguous " OR
       NOT got MATCHES "${DIRTY}" OR NOT got MATCHES "1 leaves, [0-9]+ tables, 0 malformed")
  fail("after ${marked}want exit 0 and one dirty group leaf (${DIRTY}), got ${rc}:\n${got}")
endif()
message(STATUS "${NAME}: ${marked}${got}")
