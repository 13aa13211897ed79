// SPDX-License-Identifier: MIT
/*
 * A bare-metal image made of the core layers only, linked with -nostdlib:
 * if any core file calls into libc, the link fails. It also shows the
 * firmware use: an arena over a static buffer, a table, a map and a lookup.
 */
#include <vcm/pgtable.h>

static unsigned char ram[256 * 1024] __attribute__((aligned(16384)));

int vcm_image_entry(void);

int vcm_image_entry(void)
{
	struct vcm_plat_arena arena;
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv7s, .plat = &ops };
	struct vcm_pt_leaf leaf;
	struct vcm_pt *pt;
	int ret;

	if (vcm_plat_arena_init(&arena, ram, 0x40000000, sizeof(ram)) != 0)
		return 1;
	vcm_plat_arena_ops(&arena, &ops);
	if (vcm_pt_create(&cfg, &pt, NULL) != 0)
		return 2;
	ret = vcm_pt_map(pt, 0x100000, 0x80000000, 0x10000, VCM_PT_PROT_READ);
	if (ret == 0)
		ret = vcm_pt_lookup(pt, 0x104000, &leaf);
	vcm_pt_destroy(pt);
	return ret == 0 && leaf.pa == 0x80000000 ? 0 : 3;
}
