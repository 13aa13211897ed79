// SPDX-License-Identifier: MIT
/*
 * Physical allocations made through the graph. A struct vcm_mem wraps one
 * vcm_phys allocation and remembers how it was asked for (memtype, flags), so
 * vcm_migrate() can ask for the same plan again and swap the allocation
 * underneath while the handle keeps naming the memory. It also lists the
 * reservations it backs: vcm_free_phys() refuses while any does.
 */
#include "graph_internal.h"

static int new_mem(struct vcm_sys *sys, struct vcm_physmem *pm, int memtype, uint64_t flags,
		   struct vcm_mem **out, const char *fn)
{
	struct vcm_mem *mem = gobj_alloc_(sys, GK_MEM);

	if (mem == NULL) {
		vcm_phys_free(sys->phys, pm);
		return GFAIL(sys, fn, -ENOMEM, "no metadata for the allocation handle");
	}
	mem->pm = pm;
	mem->len = vcm_phys_mem_len(pm);
	mem->flags = flags;
	mem->memtype = memtype;
	glist_init(&mem->users);
	glist_add_tail(&sys->mems, &mem->node);
	sys->nr_mem++;
	*out = mem;
	return 0;
}

static bool sys_live(const struct vcm_sys *sys)
{
	return sys != NULL && sys->magic == GRAPH_MAGIC_SYS;
}

int vcm_alloc(struct vcm_sys *sys, unsigned int memtype, uint64_t len, uint64_t flags,
	      struct vcm_mem **out)
{
	struct vcm_physmem *pm;
	int ret;

	if (!sys_live(sys))
		return -EINVAL;
	sys_lock_(sys);
	if (out == NULL) {
		ret = GFAIL(sys, __func__, -EINVAL, "out is NULL");
		goto out;
	}
	ret = vcm_phys_alloc(sys->phys, memtype, len, flags, &pm);
	if (ret != 0) {
		ret = GFAIL(sys, __func__, ret, "%s", graph_msg_(vcm_phys_last_error(sys->phys)));
		goto out;
	}
	ret = new_mem(sys, pm, (int)memtype, flags, out, __func__);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_alloc_wrap(struct vcm_sys *sys, vcm_pa_t pa, uint64_t len, struct vcm_mem **out)
{
	struct vcm_physmem *pm;
	int ret;

	if (!sys_live(sys))
		return -EINVAL;
	sys_lock_(sys);
	if (out == NULL) {
		ret = GFAIL(sys, __func__, -EINVAL, "out is NULL");
		goto out;
	}
	ret = vcm_phys_wrap(sys->phys, pa, len, &pm);
	if (ret != 0) {
		ret = GFAIL(sys, __func__, ret, "%s", graph_msg_(vcm_phys_last_error(sys->phys)));
		goto out;
	}
	ret = new_mem(sys, pm, -1, 0, out, __func__);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_free_phys(struct vcm_sys *sys, struct vcm_mem *mem)
{
	int ret = 0;

	if (!sys_live(sys))
		return -EINVAL;
	sys_lock_(sys);
	if (!gobj_live(mem, GK_MEM) || mem->h.sys != sys) {
		ret = GFAIL(sys, __func__, -EINVAL, "mem is not a live allocation of this system");
	} else if (mem->nr_users != 0U) {
		ret = GFAIL(sys, __func__, -EBUSY, "mem backs %llu reservations",
			    vcm_ull(mem->nr_users));
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

/* Head of the accessors: the system locked, or NULL for a dead handle. */
static struct vcm_sys *lock_mem(const struct vcm_mem *mem)
{
	struct vcm_sys *sys = gobj_sys_(mem);

	if (sys == NULL)
		return NULL;
	sys_lock_(sys);
	if (!gobj_live(mem, GK_MEM)) {
		sys_unlock_(sys);
		return NULL;
	}
	return sys;
}

uint64_t vcm_mem_len(const struct vcm_mem *mem)
{
	if (gobj_sys_(mem) == NULL || !gobj_live(mem, GK_MEM))
		return 0;
	return mem->len;
}

int vcm_mem_memtype(const struct vcm_mem *mem)
{
	if (gobj_sys_(mem) == NULL || !gobj_live(mem, GK_MEM))
		return -EINVAL;
	return mem->memtype >= 0 ? mem->memtype : -ENOENT;
}

int vcm_mem_next_chunk(const struct vcm_mem *mem, uint64_t *iter, vcm_pa_t *pa, uint64_t *len)
{
	struct vcm_sys *sys = lock_mem(mem);
	int ret;

	if (sys == NULL)
		return -EINVAL;
	ret = vcm_phys_next_chunk(mem->pm, iter, pa, len);
	sys_unlock_(sys);
	return ret;
}

int vcm_mem_next_extent(const struct vcm_mem *mem, uint64_t *iter, vcm_pa_t *pa,
			uint64_t *len)
{
	struct vcm_sys *sys = lock_mem(mem);
	int ret;

	if (sys == NULL)
		return -EINVAL;
	ret = vcm_phys_next_extent(mem->pm, iter, pa, len);
	sys_unlock_(sys);
	return ret;
}

struct vcm_physmem *vcm_mem_physmem(const struct vcm_mem *mem)
{
	struct vcm_sys *sys = lock_mem(mem);
	struct vcm_physmem *pm;

	if (sys == NULL)
		return NULL;
	pm = mem->pm;
	sys_unlock_(sys);
	return pm;
}

struct vcm_mem *vcm_get_physmem_from_res(const struct vcm_res *res)
{
	struct vcm_sys *sys = gobj_sys_(res);
	struct vcm_mem *mem = NULL;

	if (sys == NULL)
		return NULL;
	sys_lock_(sys);
	if (gobj_live(res, GK_RES))
		mem = res->mem;
	sys_unlock_(sys);
	return mem;
}

int vcm_get_cont_memtype(struct vcm_sys *sys, unsigned int memtype, vcm_pa_t *pa,
			 uint64_t *len)
{
	int ret;

	if (!sys_live(sys))
		return -EINVAL;
	sys_lock_(sys);
	ret = vcm_phys_memtype_range(sys->phys, memtype, 0, pa, len);
	if (ret != 0)
		ret = GFAIL(sys, __func__, ret, "%s", graph_msg_(vcm_phys_last_error(sys->phys)));
	sys_unlock_(sys);
	return ret;
}
