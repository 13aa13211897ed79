// SPDX-License-Identifier: MIT
/*
 * Physical allocations made through the graph. A struct vcm_mem wraps one
 * vcm_phys allocation and remembers how it was asked for (memtype, flags), so
 * vcm_migrate() can ask for the same plan again and swap the allocation
 * underneath while the handle keeps naming the memory (vcm_alloc_cont()
 * records VCM_PHYS_CONT and its alignment). It also lists the
 * reservations it backs: vcm_free_phys() refuses while any does.
 */
#include "graph_internal.h"

static int new_mem(struct vcm_sys *sys, struct vcm_physmem *pm, int memtype, uint64_t flags,
		   uint64_t align, struct vcm_mem **out)
{
	struct vcm_mem *mem = gobj_alloc_(sys, GK_MEM);

	if (mem == NULL) {
		vcm_phys_free(sys->phys, pm);
		return GERR(sys, -ENOMEM, "no metadata for the allocation handle");
	}
	mem->pm = pm;
	mem->len = vcm_phys_mem_len(pm);
	mem->flags = flags;
	mem->align = align;
	mem->memtype = memtype;
	glist_init(&mem->users);
	mem->shard = sys->next_shard++ % RMAP_SHARDS;
	glist_add_tail(&sys->mems, &mem->node);
	sys->nr_mem++;
	*out = gobj_handle_(mem);
	return 0;
}

enum alloc_kind { AK_CHUNKS, AK_CONT, AK_WRAP };

/*
 * vcm_alloc (AK_CHUNKS: @memtype, @flags), vcm_alloc_cont (AK_CONT: @memtype,
 * @arg = alignment) and vcm_alloc_wrap (AK_WRAP: @arg = pa).
 */
static int alloc(struct vcm_sys *sys, enum alloc_kind kind, unsigned int memtype, uint64_t arg,
		 uint64_t len, uint64_t flags, struct vcm_mem **out, const char *fn)
{
	struct vcm_physmem *pm;
	int ret;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, fn);
	if (out == NULL) {
		ret = GERR(sys, -EINVAL, "out is NULL");
		goto out;
	}
	if (kind == AK_WRAP)
		ret = vcm_phys_wrap(sys->phys, arg, len, &pm);
	else if (kind == AK_CONT)
		ret = vcm_phys_alloc_cont(sys->phys, memtype, len, arg, &pm);
	else
		ret = vcm_phys_alloc(sys->phys, memtype, len, flags, &pm);
	if (ret != 0) {
		ret = GERR(sys, ret, "%s", graph_msg_(vcm_phys_last_error(sys->phys)));
		goto out;
	}
	/* vcm_migrate() asks again for what was asked here */
	ret = new_mem(sys, pm, kind == AK_WRAP ? -1 : (int)memtype,
		      kind == AK_CONT ? VCM_PHYS_CONT : flags,
		      kind == AK_CONT && arg != 0U ? arg : 0U, out);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_alloc(struct vcm_sys *sys, unsigned int memtype, uint64_t len, uint64_t flags,
	      struct vcm_mem **out)
{
	return alloc(sys, AK_CHUNKS, memtype, 0, len, flags, out, __func__);
}

int vcm_alloc_cont(struct vcm_sys *sys, unsigned int memtype, uint64_t len, uint64_t align,
		   struct vcm_mem **out)
{
	return alloc(sys, AK_CONT, memtype, align, len, 0, out, __func__);
}

int vcm_alloc_wrap(struct vcm_sys *sys, vcm_pa_t pa, uint64_t len, struct vcm_mem **out)
{
	return alloc(sys, AK_WRAP, 0, pa, len, 0, out, __func__);
}

int vcm_free_phys(struct vcm_sys *sys, struct vcm_mem *mem)
{
	int ret = 0;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	if (!gobj_take_(&mem, GK_MEM, sys)) {
		ret = GERR(sys, -EINVAL, "mem is not a live allocation of this system");
	} else if (mem->nr_users != 0U) {
		ret = GERR(sys, -EBUSY, "mem backs %llu reservations",
			   vcm_ull(mem->nr_users));
	} else if (mem->guest_pinned) {
		ret = GERR(sys, -EBUSY, "mem holds a guest's tables (IPA %#llx): "
			   "vcm_nest_plat_fini() that guest's plat first", vcm_ull(mem->guest_ipa));
	} else {
		ret = vcm_phys_free(sys->phys, mem->pm);
		VCM_ASSERT(ret == 0);
		glist_del(&mem->node);
		sys->nr_mem--;
		gobj_free_(sys, GK_MEM, mem);
	}
	sys_unlock_(sys);
	return ret;
}

uint64_t vcm_mem_len(const struct vcm_mem *mem)
{
	if (!gobj_ok_(&mem, GK_MEM))
		return 0;
	return mem->len;
}

int vcm_mem_memtype(const struct vcm_mem *mem)
{
	if (!gobj_ok_(&mem, GK_MEM))
		return -EINVAL;
	return mem->memtype >= 0 ? mem->memtype : -ENOENT;
}

int vcm_mem_next_chunk(const struct vcm_mem *mem, uint64_t *iter, vcm_pa_t *pa, uint64_t *len)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&mem, GK_MEM, "mem", __func__, &ret);

	if (sys == NULL)
		return ret;
	ret = vcm_phys_next_chunk(mem->pm, iter, pa, len);
	/* -ENOENT is the end of the list, not a mistake */
	if (ret != 0 && ret != -ENOENT)
		ret = GERR(sys, ret, "%s", graph_msg_(vcm_phys_last_error(sys->phys)));
	sys_unlock_(sys);
	return ret;
}

int vcm_mem_next_extent(const struct vcm_mem *mem, uint64_t *iter, vcm_pa_t *pa,
			uint64_t *len)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&mem, GK_MEM, "mem", __func__, &ret);

	if (sys == NULL)
		return ret;
	ret = vcm_phys_next_extent(mem->pm, iter, pa, len);
	/* -ENOENT is the end of the list, not a mistake */
	if (ret != 0 && ret != -ENOENT)
		ret = GERR(sys, ret, "%s", graph_msg_(vcm_phys_last_error(sys->phys)));
	sys_unlock_(sys);
	return ret;
}

struct vcm_physmem *vcm_mem_physmem(const struct vcm_mem *mem)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&mem, GK_MEM, "mem", NULL, &ret);
	struct vcm_physmem *pm;

	if (sys == NULL)
		return NULL;
	pm = mem->pm;
	sys_unlock_(sys);
	return pm;
}

struct vcm_mem *vcm_get_physmem_from_res(const struct vcm_res *res)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&res, GK_RES, "res", NULL, &ret);
	struct vcm_mem *mem;

	if (sys == NULL)
		return NULL;
	mem = gobj_handle_(res->mem);
	sys_unlock_(sys);
	return mem;
}

int vcm_get_cont_memtype(struct vcm_sys *sys, unsigned int memtype, vcm_pa_t *pa,
			 uint64_t *len)
{
	int ret;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	ret = vcm_phys_memtype_range(sys->phys, memtype, 0, pa, len);
	if (ret != 0)
		ret = GERR(sys, ret, "%s", graph_msg_(vcm_phys_last_error(sys->phys)));
	sys_unlock_(sys);
	return ret;
}
