# SPDX-License-Identifier: MIT
# The SMMUv3 backend against a fake register file; a real armv8 table gives
# the values it programs.
vcm_test(test_smmuv3 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_smmuv3.c LIBS vcm_dev vcm_pgtable)
