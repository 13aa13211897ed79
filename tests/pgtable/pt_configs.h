/* SPDX-License-Identifier: MIT */
/*
 * Every table configuration the shared page-table suite runs over: each
 * format x granule x input size x stage it supports. A new format adds its
 * rows here and gets the whole suite.
 */
#ifndef VCM_TEST_PT_CONFIGS_H
#define VCM_TEST_PT_CONFIGS_H

#include <string.h>
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
	/* AMD IOMMU v1: 3 to 6 levels; NextLevel-7 sizes per row in pt_config_sizes */
	{ "amdv1-3lvl", &vcm_pt_fmt_amdv1, 39, 52, 12, 0 },
	{ "amdv1-4lvl-8k", &vcm_pt_fmt_amdv1, 48, 48, 12, 0 },
	{ "amdv1-5lvl-1m", &vcm_pt_fmt_amdv1, 57, 52, 12, 0 },
	{ "amdv1-6lvl-32k", &vcm_pt_fmt_amdv1, 63, 40, 12, 0 },
	{ "amdv1-4lvl-gaps", &vcm_pt_fmt_amdv1, 44, 52, 12, 0 },
	/* a 64-bit input space: ranges that end at 2^64 (use ptf_top_last(), not 1 << ias) */
	{ "amdv1-6lvl-64", &vcm_pt_fmt_amdv1, 64, 52, 12, 0 },
	/* RISC-V: the three modes, Svnapot and Svpbmt, a smaller output size */
	{ "riscv-sv39", &vcm_pt_fmt_riscv, 39, 56, 12, 0 },
	{ "riscv-sv48", &vcm_pt_fmt_riscv, 48, 56, 12, 0 },
	{ "riscv-sv57", &vcm_pt_fmt_riscv, 57, 56, 12, 0 },
	{ "riscv-sv39-napot-pbmt", &vcm_pt_fmt_riscv, 39, 56, 12,
	  VCM_PT_CFG_RISCV_SVNAPOT | VCM_PT_CFG_RISCV_SVPBMT },
	{ "riscv-sv48-napot-40", &vcm_pt_fmt_riscv, 48, 40, 12, VCM_PT_CFG_RISCV_SVNAPOT },
	{ "riscv-sv57-pbmt", &vcm_pt_fmt_riscv, 57, 56, 12, VCM_PT_CFG_RISCV_SVPBMT },
	/* RISC-V G-stage (16 KiB root, input two bits wider), Sv32 and Sv32x4 */
	{ "riscv-sv39x4", &vcm_pt_fmt_riscv, 41, 56, 12, VCM_PT_CFG_STAGE2 },
	{ "riscv-sv48x4-napot-pbmt", &vcm_pt_fmt_riscv, 50, 48, 12,
	  VCM_PT_CFG_STAGE2 | VCM_PT_CFG_RISCV_SVNAPOT | VCM_PT_CFG_RISCV_SVPBMT },
	{ "riscv-sv57x4", &vcm_pt_fmt_riscv, 59, 56, 12, VCM_PT_CFG_STAGE2 },
	{ "riscv32-sv32", &vcm_pt_fmt_riscv32, 32, 34, 12, 0 },
	{ "riscv32-sv32-32", &vcm_pt_fmt_riscv32, 32, 32, 12, 0 },
	{ "riscv32-sv32x4", &vcm_pt_fmt_riscv32, 34, 34, 12, VCM_PT_CFG_STAGE2 },
	/* x86-64 paging and VT-d second stage */
	{ "x86_64-4l", &vcm_pt_fmt_x86_64, 48, 52, 12, 0 },
	{ "x86_64-5l", &vcm_pt_fmt_x86_64, 57, 46, 12, 0 },
	{ "vtd_ss-39", &vcm_pt_fmt_vtd_ss, 39, 39, 12, 0 },
	{ "vtd_ss-48", &vcm_pt_fmt_vtd_ss, 48, 48, 12, 0 },
	{ "vtd_ss-57", &vcm_pt_fmt_vtd_ss, 57, 52, 12, 0 },
};

#define PT_NCONFIGS (sizeof(pt_configs) / sizeof(pt_configs[0]))

/*
 * cfg->page_sizes of the rows that do not use every size of their format
 * (0 for the others). AMD v1 tables take one NextLevel-7 size per level, so
 * each amdv1 row picks its own: together they cover small, middle and the
 * largest sizes of every leaf level, and levels with a group but no size of
 * their own (the gaps row).
 */
struct pt_config_sizes {
	const char *name;
	uint64_t page_sizes;
};

#define PT_SZ(lg2) (UINT64_C(1) << (lg2))
static const struct pt_config_sizes pt_config_sizes[] = {
	{ "amdv1-4lvl-8k", PT_SZ(12) | PT_SZ(13) | PT_SZ(21) | PT_SZ(22) | PT_SZ(30) | PT_SZ(31) },
	{ "amdv1-5lvl-1m", PT_SZ(12) | PT_SZ(20) | PT_SZ(21) | PT_SZ(29) | PT_SZ(30) | PT_SZ(38) },
	{ "amdv1-6lvl-32k", PT_SZ(12) | PT_SZ(15) | PT_SZ(21) | PT_SZ(25) | PT_SZ(30) | PT_SZ(34) },
	{ "amdv1-4lvl-gaps", PT_SZ(12) | PT_SZ(18) | PT_SZ(27) | PT_SZ(30) },
};

static inline uint64_t pt_config_page_sizes(const struct pt_config *c)
{
	for (size_t i = 0; i < sizeof(pt_config_sizes) / sizeof(pt_config_sizes[0]); i++)
		if (strcmp(pt_config_sizes[i].name, c->name) == 0)
			return pt_config_sizes[i].page_sizes;
	return 0;
}

#endif
