# SPDX-License-Identifier: MIT
# End to end (cmake -P): VCM run CLIP into OUT (fresh), then CHECK compares
# every PNG with the clip decoded straight from the file plus the stamp.
#   VCM CHECK CLIP OUT FRAMES [PLATFORM] [EXTRA: more arguments, a ;-list]
file(REMOVE_RECURSE ${OUT})
set(extra ${EXTRA})
if(PLATFORM)
  list(APPEND extra --platform ${PLATFORM})
endif()
execute_process(COMMAND ${VCM} run ${CLIP} --out ${OUT} --quiet ${extra}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vcm run exited ${rc}:\n${out}\n${err}")
endif()
message("${out}")
if(NOT out MATCHES "frames: ${FRAMES} ")
  message(FATAL_ERROR "vcm run did not report ${FRAMES} frames")
endif()
execute_process(COMMAND ${CHECK} ${CLIP} ${OUT} ${FRAMES} RESULT_VARIABLE rc
  OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "frames differ from the independent decode")
endif()
