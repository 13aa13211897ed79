# SPDX-License-Identifier: MIT
# Round trip of one table (cmake -P, from CTest):
#   vcm pt FMT... --map MAPS... --leaves --dump F --emit-c NAME:F.c
#   vcm pt decode FMT... --base B --root R F
# The decoder's leaves (da, pa, size, level, contiguous) must equal the
# library's, and together cover exactly the map list (adjacent leaves merged
# where both da and pa continue). The C file must compile alone with -Werror,
# and a program built on it must hold the same bytes as the dump at NAME_PA.
#   VCM, CC     the vcm binary and a C compiler     OUT   a scratch folder
#   NAME        table name    FMT  format options (;-list)    MAPS  DA:PA:LEN[:PROT] list
cmake_policy(VERSION 3.13)
file(MAKE_DIRECTORY ${OUT})
set(bin ${OUT}/${NAME}.bin)
set(csrc ${OUT}/${NAME}.c)
set(maps)
foreach(m IN LISTS MAPS)
  list(APPEND maps --map ${m})
endforeach()

function(fail why)
  message(FATAL_ERROR "${NAME}: ${why}")
endfunction()

execute_process(COMMAND ${VCM} pt ${FMT} ${maps} --leaves --dump ${bin} --emit-c ${NAME}:${csrc}
  RESULT_VARIABLE rc OUTPUT_VARIABLE built ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("vcm pt exited ${rc}: ${err}")
endif()
if(NOT built MATCHES "dump [^ ]+: base (0x[0-9a-f]+) bytes (0x[0-9a-f]+) root (0x[0-9a-f]+)")
  fail("no dump line in:\n${built}")
endif()
set(base ${CMAKE_MATCH_1})
set(root ${CMAKE_MATCH_3})

execute_process(COMMAND ${VCM} pt decode ${FMT} --base ${base} --root ${root} ${bin}
  RESULT_VARIABLE rc OUTPUT_VARIABLE decoded ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("vcm pt decode exited ${rc}: ${err}\n${decoded}")
endif()

# --json: one document with the same number of leaves and no problem
execute_process(COMMAND ${VCM} pt decode ${FMT} --base ${base} --root ${root} --json ${bin}
  RESULT_VARIABLE rc OUTPUT_VARIABLE json)
string(JSON nleaves ERROR_VARIABLE jerr LENGTH "${json}" leaves)
string(JSON nprob ERROR_VARIABLE jerr2 GET "${json}" problem_count)
if(NOT rc EQUAL 0 OR jerr OR jerr2 OR NOT nprob EQUAL 0)
  fail("vcm pt decode --json exited ${rc}: ${jerr} ${jerr2}\n${json}")
endif()

# "leaf da X pa Y size Z level L[ contiguous]" lines of both, in address order
set(re "leaf da 0?x?[0-9a-f]+ pa 0?x?[0-9a-f]+ size 0x[0-9a-f]+ level [0-9]( contiguous)?")
string(REGEX MATCHALL "${re}" want "${built}")
string(REGEX MATCHALL "${re}" got "${decoded}")
if(NOT want STREQUAL got OR want STREQUAL "")
  string(REPLACE ";" "\n" w "${want}")
  string(REPLACE ";" "\n" g "${got}")
  fail("leaves differ\n--- library:\n${w}\n--- decoder:\n${g}")
endif()

# merge [da, pa, len] runs that continue each other
function(merge out)
  set(res)
  set(cda -1)
  foreach(t IN LISTS ARGN)
    string(REPLACE ":" ";" f "${t}")
    list(GET f 0 da)
    list(GET f 1 pa)
    list(GET f 2 len)
    math(EXPR da "${da}")
    math(EXPR pa "${pa}")
    math(EXPR len "${len}")
    if(cda GREATER -1)
      math(EXPR cend "${cda} + ${clen}")
      math(EXPR cpend "${cpa} + ${clen}")
      if(cend EQUAL da AND cpend EQUAL pa)
        math(EXPR clen "${clen} + ${len}")
        continue()
      endif()
      list(APPEND res "${cda}:${cpa}:${clen}")
    endif()
    set(cda ${da})
    set(cpa ${pa})
    set(clen ${len})
  endforeach()
  if(cda GREATER -1)
    list(APPEND res "${cda}:${cpa}:${clen}")
  endif()
  set(${out} "${res}" PARENT_SCOPE)
endfunction()

set(triples)
foreach(l IN LISTS got)
  string(REGEX MATCH "da (0?x?[0-9a-f]+) pa (0?x?[0-9a-f]+) size (0x[0-9a-f]+)" x "${l}")
  list(APPEND triples "${CMAKE_MATCH_1}:${CMAKE_MATCH_2}:${CMAKE_MATCH_3}")
endforeach()
set(asked)
foreach(m IN LISTS MAPS)
  string(REGEX MATCH "^([^:]+):([^:]+):([^:]+)" x "${m}")
  set(fields ${CMAKE_MATCH_1} ${CMAKE_MATCH_2} ${CMAKE_MATCH_3})
  foreach(i 1 2 3)
    math(EXPR j "${i} - 1")
    list(GET fields ${j} v)
    # the k/m/g suffixes vcm takes
    if(v MATCHES "^(.*)([kmg])$")
      set(mul 1024)
      if(CMAKE_MATCH_2 STREQUAL "m")
        set(mul 1048576)
      elseif(CMAKE_MATCH_2 STREQUAL "g")
        set(mul 1073741824)
      endif()
      math(EXPR v "${CMAKE_MATCH_1} * ${mul}")
    endif()
    math(EXPR v "${v}")
    set(f${i} ${v})
  endforeach()
  list(APPEND asked "${f1}:${f2}:${f3}")
endforeach()
list(SORT asked COMPARE NATURAL) # decimal da first: address order
merge(m_got ${triples})
merge(m_asked ${asked})
if(NOT m_got STREQUAL m_asked)
  fail("decoded leaves cover ${m_got}, the map list ${m_asked}")
endif()

# --emit-c: compiles alone, and holds the dump's bytes at the dump's base
execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Werror -c ${csrc} -o ${OUT}/${NAME}.o
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("${csrc} does not compile alone: ${err}")
endif()
string(TOUPPER ${NAME} up)
file(WRITE ${OUT}/${NAME}_main.c "#include <stdio.h>
#include <stdlib.h>
#include \"${csrc}\"
int main(int argc, char **argv)
{
	static unsigned char buf[sizeof(${NAME}_tables) + 1];
	FILE *f = fopen(argv[1], \"rb\");
	size_t n;

	if (argc != 3 || f == NULL)
		return 2;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (${up}_PA != strtoull(argv[2], NULL, 0)) {
		printf(\"${up}_PA %#llx, the dump's base %s\\\\n\", (unsigned long long)${up}_PA, argv[2]);
		return 1;
	}
	if (n != sizeof(${NAME}_tables) || ${up}_BYTES != n) {
		printf(\"%zu bytes, the dump has %zu\\\\n\", sizeof(${NAME}_tables), n);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (buf[i] != ${NAME}_tables[i]) {
			printf(\"byte %#zx: %#x, the dump has %#x\\\\n\", i, ${NAME}_tables[i], buf[i]);
			return 1;
		}
	return ${up}_ROOT_PA == ${root} ? 0 : 1;
}
")
execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Werror ${OUT}/${NAME}_main.c
  -o ${OUT}/${NAME}_main RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("the program on ${csrc} does not build: ${err}")
endif()
execute_process(COMMAND ${OUT}/${NAME}_main ${bin} ${base} RESULT_VARIABLE rc OUTPUT_VARIABLE o)
if(NOT rc EQUAL 0)
  fail("the C array differs from the dump (${rc}): ${o}")
endif()
list(LENGTH got n)
if(NOT n EQUAL nleaves)
  fail("--json has ${nleaves} leaves, the text ${n}")
endif()
message(STATUS "${NAME}: ${n} leaves agree; the C array equals the ${base} dump")
