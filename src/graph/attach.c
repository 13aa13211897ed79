// SPDX-License-Identifier: MIT
/*
 * Recording a reservation as backed, and forgetting it: the memory, the
 * extent array, the reverse map's entries and the memory's list of users
 * change together.
 */
#include "graph_internal.h"

void res_attach_(struct vcm_res *res, struct vcm_mem *mem, struct rmap_ext *ext,
		 uint32_t *by_pa, uint64_t nr)
{
	res->mem = mem;
	res->ext = ext;
	res->by_pa = by_pa;
	res->nr_ext = (uint32_t)nr;
	/* both are the memory's shard's, not the VCM's: other VCMs' calls
	 * backing the same memory meet here */
	leaf_lock_(res->h.sys, res->h.sys->rmap[mem->shard].lock);
	rmap_add_(res);
	glist_add_tail(&mem->users, &res->mem_node);
	mem->nr_users++;
	leaf_unlock_(res->h.sys, res->h.sys->rmap[mem->shard].lock);
}

void res_detach_(struct vcm_res *res)
{
	struct vcm_sys *sys = res->h.sys;
	void *l = sys->rmap[res->mem->shard].lock;

	leaf_lock_(sys, l);
	rmap_del_(res);
	glist_del(&res->mem_node);
	res->mem->nr_users--;
	leaf_unlock_(sys, l);
	ext_free_(sys, res->ext, res->nr_ext);
	res->mem = NULL;
	res->ext = NULL;
	res->by_pa = NULL;
	res->nr_ext = 0;
}
