# SPDX-License-Identifier: MIT
# An AVI whose JUNK chunk between two frames is 16 MiB - 1 bytes (odd: a pad
# byte follows): at the limit, not over it, so it is stepped over and both
# frames play. The body is made here rather than kept in the tree.
# -DVCM=<vcm> -DDATA=<tools/tests/data> -DOUT=<folder>
file(MAKE_DIRECTORY ${OUT})
string(REPEAT "J" 16777216 body) # 16 MiB - 1 of JUNK, then its pad byte
file(WRITE ${OUT}/body.bin "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E cat ${DATA}/avi-junk16m-head.bin ${OUT}/body.bin
  ${DATA}/avi-junk16m-tail.bin OUTPUT_FILE ${OUT}/junk16m.avi RESULT_VARIABLE r)
file(REMOVE ${OUT}/body.bin)
if(NOT r EQUAL 0)
  message(FATAL_ERROR "could not make the clip: ${r}")
endif()
execute_process(COMMAND ${VCM} run ${OUT}/junk16m.avi --out ${OUT}/png --quiet
  RESULT_VARIABLE r OUTPUT_VARIABLE o ERROR_VARIABLE e)
file(REMOVE ${OUT}/junk16m.avi)
if(NOT r EQUAL 0 OR NOT o MATCHES "frames: 2 ")
  message(FATAL_ERROR "exit ${r}, want 0 and 2 frames\nstdout: ${o}\nstderr: ${e}")
endif()
