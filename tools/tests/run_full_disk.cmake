# SPDX-License-Identifier: MIT
# vcm run on a full disk: the second frame's PNG is a link to /dev/full,
# where every write fails with ENOSPC. The message names the PNG and the
# errno, and the PNG that could not be written whole is not left (the link
# goes with it; the first frame's PNG, whole, stays).   VCM OUT
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
file(CREATE_LINK /dev/full ${OUT}/frame-0002.png SYMBOLIC)
execute_process(COMMAND ${VCM} run --frames 3 --quiet --out ${OUT}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(want "vcm run: ${OUT}/frame-0002.png: cannot write: No space left on device")
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "exit code ${rc}, expected 1: ${err}")
endif()
string(FIND "${err}" "${want}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stderr lacks \"${want}\":\n${err}")
endif()
if(EXISTS ${OUT}/frame-0002.png OR IS_SYMLINK ${OUT}/frame-0002.png)
  message(FATAL_ERROR "the partial ${OUT}/frame-0002.png was left behind")
endif()
if(NOT EXISTS ${OUT}/frame-0001.png)
  message(FATAL_ERROR "${OUT}/frame-0001.png, written whole, was taken away")
endif()
