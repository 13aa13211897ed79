# SPDX-License-Identifier: MIT
# Fail when an image's text + data + bss (size(1), Berkeley format) exceeds
# BUDGET bytes. Run with -DSIZE=<size tool> -DELF=<image> -DBUDGET=<bytes>.
execute_process(COMMAND ${SIZE} ${ELF} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SIZE} ${ELF} failed")
endif()
string(REGEX MATCH "\n *([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)" _ "${out}")
math(EXPR total "${CMAKE_MATCH_1} + ${CMAKE_MATCH_2} + ${CMAKE_MATCH_3}")
message(STATUS "${ELF}: text ${CMAKE_MATCH_1} data ${CMAKE_MATCH_2} bss ${CMAKE_MATCH_3}, "
  "${total} of ${BUDGET} bytes")
if(total GREATER BUDGET)
  message(FATAL_ERROR "the image is ${total} bytes, over its budget of ${BUDGET}")
endif()
