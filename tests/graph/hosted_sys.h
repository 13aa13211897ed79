/* SPDX-License-Identifier: MIT */
/*
 * A graph system over hosted memory for the tests that need no fake
 * devices (graph_fixture.h has those): @len bytes at @pa, the first
 * @tables a table arena, one memtype over the rest but its last @keep_out
 * bytes (memory outside every memtype, for wraps). The memtype's ranges live
 * in this file's statics, as the system reads them until it is destroyed.
 */
#ifndef GRAPH_HOSTED_SYS_H
#define GRAPH_HOSTED_SYS_H

#include <string.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>

struct hosted_sys {
	struct vcm_hosted_mem *mem;
	struct vcm_sys *sys;
	vcm_pa_t out_pa; /* the first byte kept out of the memtype */
};

static inline int hosted_sys_up(struct hosted_sys *h, vcm_pa_t pa, uint64_t len, uint64_t tables,
				uint64_t keep_out)
{
	static struct vcm_phys_range range;
	static struct vcm_phys_memtype_cfg mt;
	struct vcm_sys_cfg cfg;
	struct vcm_diag d = { 0 };

	if (vcm_hosted_mem_create(pa, len, tables, &h->mem, &d) != 0)
		return -1;
	vcm_hosted_mem_free_range(h->mem, &range.pa, &range.len);
	range.len -= keep_out;
	h->out_pa = range.pa + range.len;
	memset(&mt, 0, sizeof(mt));
	mt.ranges = &range;
	mt.nr_ranges = 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.plat = vcm_hosted_mem_plat(h->mem);
	cfg.memtypes = &mt;
	cfg.nr_memtypes = 1;
	if (vcm_sys_create(&cfg, &h->sys, &d) == 0)
		return 0;
	vcm_hosted_mem_destroy(h->mem);
	return -1;
}

static inline void hosted_sys_down(struct hosted_sys *h)
{
	vcm_sys_destroy(h->sys);
	vcm_hosted_mem_destroy(h->mem);
}

#endif /* GRAPH_HOSTED_SYS_H */
