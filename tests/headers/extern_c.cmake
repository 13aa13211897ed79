# SPDX-License-Identifier: MIT
# Every public header wraps its declarations in extern "C" for C++ callers:
# the guard opens after the includes and closes before the include guard ends.
set(bad)
foreach(h IN LISTS HEADERS)
  file(READ ${h} text)
  if(NOT text MATCHES "#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
     OR NOT text MATCHES "#ifdef __cplusplus\n}\n#endif\n+#endif")
    list(APPEND bad ${h})
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " list)
  message(FATAL_ERROR "no extern \"C\" block around the declarations in:\n  ${list}")
endif()
