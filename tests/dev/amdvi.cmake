# SPDX-License-Identifier: MIT
# The AMD-Vi backend against a fake register file, with real amdv1 tables,
# and the graph on top (vcm_graph brings pgtable and the other layers).
vcm_test(test_amdvi SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_amdvi.c LIBS vcm_graph vcm_dev vcm_pgtable vcm_platform)
