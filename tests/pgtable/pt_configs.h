/* SPDX-License-Identifier: MIT */
/*
 * Every table configuration the shared page-table suite runs over: each
 * format x granule x input size x stage it supports. A new format adds its
 * rows here and gets the whole suite.
 */
#ifndef VCM_TEST_PT_CONFIGS_H
#define VCM_TEST_PT_CONFIGS_H

#include <vcm/pgtable.h>

struct pt_config {
	const char *name;
	const struct vcm_pt_fmt *fmt;
	unsigned int ias, oas, granule_lg2;
	uint32_t flags;
};

static const struct pt_config pt_configs[] = {
	{ "armv7s-32", &vcm_pt_fmt_armv7s, 32, 32, 12, 0 },
	{ "armv7s-28", &vcm_pt_fmt_armv7s, 28, 32, 12, 0 },
	{ "armv7s-32-secure", &vcm_pt_fmt_armv7s, 32, 32, 12, VCM_PT_CFG_SECURE },
	{ "armv8-s1-4k-48", &vcm_pt_fmt_armv8, 48, 48, 12, 0 },
	{ "armv8-s1-4k-39", &vcm_pt_fmt_armv8, 39, 40, 12, 0 },
	{ "armv8-s1-4k-32", &vcm_pt_fmt_armv8, 32, 32, 12, VCM_PT_CFG_SECURE },
	{ "armv8-s1-16k-48", &vcm_pt_fmt_armv8, 48, 48, 14, 0 },
	{ "armv8-s1-16k-36", &vcm_pt_fmt_armv8, 36, 40, 14, 0 },
	{ "armv8-s1-64k-48", &vcm_pt_fmt_armv8, 48, 48, 16, 0 },
	{ "armv8-s1-64k-42", &vcm_pt_fmt_armv8, 42, 42, 16, 0 },
	{ "armv8-s2-4k-40", &vcm_pt_fmt_armv8, 40, 40, 12, VCM_PT_CFG_STAGE2 },
	{ "armv8-s2-4k-48", &vcm_pt_fmt_armv8, 48, 48, 12, VCM_PT_CFG_STAGE2 },
	{ "armv8-s2-16k-40", &vcm_pt_fmt_armv8, 40, 40, 14, VCM_PT_CFG_STAGE2 },
	{ "armv8-s2-64k-44", &vcm_pt_fmt_armv8, 44, 44, 16, VCM_PT_CFG_STAGE2 },
	/* x86-64 paging and VT-d second stage */
	{ "x86_64-4l", &vcm_pt_fmt_x86_64, 48, 52, 12, 0 },
	{ "x86_64-5l", &vcm_pt_fmt_x86_64, 57, 46, 12, 0 },
	{ "vtd_ss-39", &vcm_pt_fmt_vtd_ss, 39, 39, 12, 0 },
	{ "vtd_ss-48", &vcm_pt_fmt_vtd_ss, 48, 48, 12, 0 },
	{ "vtd_ss-57", &vcm_pt_fmt_vtd_ss, 57, 52, 12, 0 },
};

#define PT_NCONFIGS (sizeof(pt_configs) / sizeof(pt_configs[0]))

#endif
