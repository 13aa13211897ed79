# SPDX-License-Identifier: MIT
# vcm run twice, text and JSON: the output must be the same byte for byte
# (nothing that moves from run to run, such as where the process mapped the
# CPU's window, is printed as it is).   VCM OUT
foreach(form text json)
  set(flag)
  if(form STREQUAL "json")
    set(flag --json)
  endif()
  foreach(n 1 2)
    execute_process(COMMAND ${VCM} run --frames 2 --quiet ${flag} --out ${OUT}
      RESULT_VARIABLE rc OUTPUT_VARIABLE out${n} ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "vcm run ${flag} exited ${rc}: ${err}")
    endif()
  endforeach()
  if(NOT out1 STREQUAL out2)
    message(FATAL_ERROR "two runs printed different ${form}:\n${out1}\n---\n${out2}")
  endif()
endforeach()
