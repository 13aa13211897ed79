# SPDX-License-Identifier: MIT
# The VT-d backend against a fake register file (test_vtd.c).
vcm_test(test_vtd SOURCES test_vtd.c LIBS vcm_dev vcm_pgtable vcm_hosted vcm_platform)
