# SPDX-License-Identifier: MIT
# vcm run from an install, with no clip given, from another folder: the
# installed binary finds the clip installed beside it (PREFIX/share/vcm), not
# the build tree's copy, and plays it.
#   BUILD (the build tree)  BINDIR, DATADIR (CMAKE_INSTALL_*, relative)  OUT
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT}/elsewhere)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${OUT}/prefix
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install exited ${rc}: ${err}")
endif()
set(vcm ${OUT}/prefix/${BINDIR}/vcm)
set(clip ${OUT}/prefix/${DATADIR}/vcm/default.mjpeg)
if(NOT EXISTS ${clip})
  message(FATAL_ERROR "the install has no ${clip}")
endif()
execute_process(COMMAND ${vcm} run --frames 1 --quiet --out frames
  WORKING_DIRECTORY ${OUT}/elsewhere RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^vcm run: clip ([^,]*),")
  message(FATAL_ERROR "installed vcm run exited ${rc}:\n${out}\n${err}")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL clip)
  message(FATAL_ERROR "installed vcm run played ${CMAKE_MATCH_1}, not ${clip}")
endif()
if(NOT EXISTS ${OUT}/elsewhere/frames/frame-0001.png)
  message(FATAL_ERROR "installed vcm run wrote no ${OUT}/elsewhere/frames/frame-0001.png")
endif()
file(REMOVE_RECURSE ${OUT})
