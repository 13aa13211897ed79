# SPDX-License-Identifier: MIT
# The layers depend downward only, and CMake says so truthfully.
# Run with -DROOT=<source dir> -DLAYERS="util;platform;...".
#
# Each public header belongs to one layer (the table below). A layer may
# include the headers of the layers its src/<dir>/sources.cmake lists in
# VCM_<LAYER>_DEPS, of their dependencies in turn, and its own; util's headers
# are everyone's. The check fails
#  - on an upward include: a public header or a source file that includes a
#    header of a layer outside that set;
#  - on a dependency CMake lists but no file of the layer includes directly.
cmake_minimum_required(VERSION 3.25)
set(owner_types util)
set(owner_err util)
set(owner_prot util)
set(owner_platform platform)
set(owner_dev dev)
set(owner_mmio dev)
set(owner_hosted hosted)
set(owner_pgtable pgtable)
set(owner_vspace vspace)
set(owner_phys phys)
set(owner_vcm graph)
set(owner_mapper_pt graph)
set(owner_sim sim)
set(owner_soc soc)
set(owner_rfc rfc)

function(layer_dir layer out)
  if(layer STREQUAL "hosted")
    set(${out} ${ROOT}/src/platform/hosted PARENT_SCOPE)
  else()
    set(${out} ${ROOT}/src/${layer} PARENT_SCOPE)
  endif()
endfunction()

# What each layer lists.
foreach(layer IN LISTS LAYERS)
  string(TOUPPER ${layer} L)
  layer_dir(${layer} dir)
  unset(VCM_${L}_DEPS)
  include(${dir}/sources.cmake)
  set(deps_${layer} ${VCM_${L}_DEPS})
endforeach()

# Which layers each layer may reach: its own, util, and the closure of its deps.
foreach(layer IN LISTS LAYERS)
  set(reach ${layer} util)
  set(todo ${deps_${layer}})
  while(todo)
    list(POP_FRONT todo d)
    if(NOT d IN_LIST reach)
      list(APPEND reach ${d})
      list(APPEND todo ${deps_${d}})
    endif()
  endwhile()
  set(reach_${layer} ${reach})
endforeach()

set(bad)
# The layers a file includes, by public header (<vcm/x.h>) and by another
# layer's internal header ("../util/bits.h").
function(file_layers path out)
  file(STRINGS ${path} lines REGEX "^#include")
  set(found)
  foreach(line IN LISTS lines)
    if(line MATCHES "<vcm/([a-z_0-9]+)\\.h>")
      set(h ${CMAKE_MATCH_1})
      if(NOT DEFINED owner_${h})
        message(FATAL_ERROR "${path}: <vcm/${h}.h> has no layer in tests/headers/layers.cmake")
      endif()
      list(APPEND found ${owner_${h}})
    elseif(line MATCHES "\"\\.\\./(\\.\\./)?([a-z]+)/")
      list(APPEND found ${CMAKE_MATCH_2})
    endif()
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

foreach(layer IN LISTS LAYERS)
  layer_dir(${layer} dir)
  file(GLOB files ${dir}/*.c ${dir}/*.h)
  # the layer's own public headers
  foreach(h IN ITEMS types err prot platform dev mmio hosted pgtable vspace phys vcm mapper_pt sim soc rfc)
    if(owner_${h} STREQUAL layer)
      list(APPEND files ${ROOT}/include/vcm/${h}.h)
    endif()
  endforeach()
  set(used)
  foreach(f IN LISTS files)
    file_layers(${f} got)
    foreach(g IN LISTS got)
      if(NOT g IN_LIST reach_${layer})
        list(APPEND bad "${f}: layer ${layer} includes layer ${g}, which it does not depend on")
      endif()
      list(APPEND used ${g})
    endforeach()
  endforeach()
  foreach(d IN LISTS deps_${layer})
    if(NOT d IN_LIST used)
      list(APPEND bad "layer ${layer} lists ${d} in its deps, but none of its files includes it")
    endif()
  endforeach()
endforeach()

if(bad)
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "layering:\n  ${text}")
endif()
message(STATUS "layering: ${LAYERS} depend downward only")
