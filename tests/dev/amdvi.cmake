# SPDX-License-Identifier: MIT
# The AMD-Vi backend against a fake register file, with real amdv1 tables.
vcm_test(test_amdvi SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_amdvi.c LIBS vcm_dev vcm_pgtable vcm_platform)
