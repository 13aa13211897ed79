// SPDX-License-Identifier: MIT
/*
 * vcm_migrate(): move an allocation to new memory of the same plan (same
 * memtype, same chunk-size flags, contiguous if it was), system-wide. Every
 * reservation backed by it is remapped in every instance of its VCM with
 * break-before-make: unmap the old extents everywhere and invalidate the
 * TLBs, copy the bytes (nothing can write the old memory through a device
 * any more), map the new extents and invalidate again. The handle keeps
 * naming the memory; the old allocation is freed.
 *
 * All or nothing: the new memory and every new extent array are taken
 * before anything is unmapped; if a table refuses the new mapping (table
 * memory ran out), the new mappings are removed and the old ones written
 * back (they fit: the table memory they used was given back moments ago).
 *
 * Also vcm_power_query(), which asks every device that maps a physical range.
 */
#include "graph_internal.h"

struct plan {
	struct rmap_ext *ext;
	uint32_t *by_pa;
	uint64_t nr;
};

/* Copy @len bytes from @from to @to, piece by piece inside each extent. */
static int copy_mem(struct vcm_sys *sys, const struct vcm_physmem *to,
		    const struct vcm_physmem *from, const char *fn)
{
	const struct vcm_plat_ops *plat = sys->plat;
	uint64_t it_t = 0, it_f = 0, left_t = 0, left_f = 0;
	vcm_pa_t pt = 0, pf = 0;

	for (;;) {
		uint64_t n;
		void *dst;
		const void *src;

		if (left_t == 0U && vcm_phys_next_extent(to, &it_t, &pt, &left_t) != 0)
			return 0;
		if (left_f == 0U && vcm_phys_next_extent(from, &it_f, &pf, &left_f) != 0)
			return 0;
		n = left_t < left_f ? left_t : left_f;
		dst = plat->pa_to_cpu(plat->ctx, pt);
		src = plat->pa_to_cpu(plat->ctx, pf);
		if (dst == NULL || src == NULL)
			return GFAIL(sys, fn, -EFAULT, "pa 0x%llx has no CPU view",
				     vcm_ull(dst == NULL ? pt : pf));
		__builtin_memcpy(dst, src, (size_t)n);
		pt += n;
		pf += n;
		left_t -= n;
		left_f -= n;
	}
}

static void unmap_all(struct vcm_sys *sys, struct vcm_res *res, const struct rmap_ext *ext,
		      uint64_t nr, const char *fn)
{
	struct glist *p;

	for (p = res->vcm->insts.prev; p != &res->vcm->insts; p = p->prev)
		inst_unmap_ext_(sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext, nr, fn);
}

static int map_all(struct vcm_sys *sys, struct vcm_res *res, const struct rmap_ext *ext,
		   uint64_t nr, const char *fn)
{
	struct glist *p;

	glist_for_each(p, &res->vcm->insts) {
		int ret = inst_map_ext_(sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext, nr,
					res->prot, fn);

		if (ret != 0) {
			for (p = p->prev; p != &res->vcm->insts; p = p->prev)
				inst_unmap_ext_(sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext,
						nr, fn);
			return ret;
		}
	}
	return 0;
}

static int check_mem(struct vcm_sys *sys, struct vcm_mem *mem, const char *fn)
{
	struct glist *p;

	if (!gobj_live(mem, GK_MEM) || mem->h.sys != sys)
		return GFAIL(sys, fn, -EINVAL, "mem is not a live allocation of this system");
	if (mem->memtype < 0)
		return GFAIL(sys, fn, -EINVAL, "mem wraps memory the caller owns: it cannot move");
	if (sys->plat->pa_to_cpu == NULL)
		return GFAIL(sys, fn, -EOPNOTSUPP, "the platform has no pa_to_cpu to copy with");
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		if (res->vcm->kind == VK_ONE_TO_ONE)
			return GFAIL(sys, fn, -EBUSY,
				     "mem is mapped one-to-one at da 0x%llx: its address is fixed",
				     vcm_ull(res->da));
	}
	return 0;
}

int vcm_migrate(struct vcm_sys *sys, struct vcm_mem *mem)
{
	static const char fn[] = "vcm_migrate";
	struct vcm_physmem *npm = NULL;
	struct plan *plan = NULL;
	uint64_t nr_users = 0, i, k;
	struct glist *p;
	int ret;

	if (sys == NULL || sys->magic != GRAPH_MAGIC_SYS)
		return -EINVAL;
	sys_lock_(sys);
	ret = check_mem(sys, mem, fn);
	if (ret != 0)
		goto out;
	nr_users = mem->nr_users;
	ret = vcm_phys_alloc(sys->phys, (unsigned int)mem->memtype, mem->len, mem->flags, &npm);
	if (ret != 0) {
		ret = GFAIL(sys, fn, ret, "new memory: %s",
			    graph_msg_(vcm_phys_last_error(sys->phys)));
		goto out;
	}
	if (nr_users != 0U) {
		plan = meta_alloc_(sys, (size_t)nr_users * sizeof(*plan));
		if (plan == NULL) {
			ret = GFAIL(sys, fn, -ENOMEM, "no metadata for the plan");
			goto free_new;
		}
	}
	i = 0;
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		ret = ext_build_(sys, res, npm, &plan[i].ext, &plan[i].by_pa, &plan[i].nr, fn);
		if (ret != 0)
			goto free_plan;
		i++;
	}
	/* break: nothing translates to the old memory any more */
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		unmap_all(sys, res, res->ext, res->nr_ext, fn);
		tlb_fan_(res->vcm, res->da, res->len, false);
	}
	ret = copy_mem(sys, npm, mem->pm, fn);
	/* make */
	k = 0;
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		if (ret != 0)
			break;
		ret = map_all(sys, res, plan[k].ext, plan[k].nr, fn);
		if (ret != 0)
			break;
		k++;
	}
	if (ret != 0) {
		/* undo: the new mappings go, the old ones come back */
		uint64_t j = 0;

		glist_for_each(p, &mem->users) {
			struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);
			int r;

			if (j < k)
				unmap_all(sys, res, plan[j].ext, plan[j].nr, fn);
			r = map_all(sys, res, res->ext, res->nr_ext, fn);
			VCM_ASSERT(r == 0);
			(void)r;
			tlb_fan_(res->vcm, res->da, res->len, false);
			j++;
		}
		sys->diag.err = ret;
		goto free_plan;
	}
	/* commit: the record follows the tables */
	k = 0;
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		for (uint64_t e = 0; e < res->nr_ext; e++)
			gtree_remove_(&sys->rmap, &res->ext[e].tn);
		ext_free_(sys, res->ext, res->nr_ext);
		res->ext = plan[k].ext;
		res->by_pa = plan[k].by_pa;
		res->nr_ext = plan[k].nr;
		for (uint64_t e = 0; e < res->nr_ext; e++)
			gtree_insert_(&sys->rmap, &res->ext[e].tn);
		tlb_fan_(res->vcm, res->da, res->len, true);
		k++;
	}
	meta_free_(sys, plan, (size_t)nr_users * sizeof(*plan));
	ret = vcm_phys_free(sys->phys, mem->pm);
	VCM_ASSERT(ret == 0);
	mem->pm = npm;
	goto out;
free_plan:
	while (i-- != 0U)
		ext_free_(sys, plan[i].ext, plan[i].nr);
	meta_free_(sys, plan, (size_t)nr_users * sizeof(*plan));
free_new:
	vcm_phys_free(sys->phys, npm);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_power_query(struct vcm_sys *sys, vcm_pa_t pa, uint64_t len, unsigned int *mappers)
{
	static const char fn[] = "vcm_power_query";
	const struct gtree_node *n = NULL;
	unsigned int count = 0;
	int ret = 0;

	if (sys == NULL || sys->magic != GRAPH_MAGIC_SYS)
		return -EINVAL;
	sys_lock_(sys);
	if (len == 0U) {
		ret = GFAIL(sys, fn, -EINVAL, "len is 0");
		goto out;
	}
	if (pa + len - 1U < pa) {
		ret = GFAIL(sys, fn, -EOVERFLOW, "pa 0x%llx + len 0x%llx wraps", vcm_ull(pa),
			    vcm_ull(len));
		goto out;
	}
	sys->epoch++;
	while ((n = gtree_overlap_next_(&sys->rmap, pa, pa + len - 1U, n)) != NULL) {
		const struct rmap_ext *e = GRAPH_CONTAINER(n, const struct rmap_ext, tn);
		vcm_pa_t lo = e->tn.key > pa ? e->tn.key : pa;
		vcm_pa_t hi = e->tn.last < pa + len - 1U ? e->tn.last : pa + len - 1U;
		struct glist *p;

		glist_for_each(p, &e->res->vcm->assocs) {
			struct vcm_dev *dev = GRAPH_CONTAINER(p, struct vcm_avcm, vcm_node)->dev;
			const struct vcm_dev_ops *ops = dev->cfg.ops;

			if (dev->epoch == sys->epoch)
				continue;
			dev->epoch = sys->epoch;
			count++;
			if (ret == 0 && ops != NULL && ops->power_query != NULL &&
			    ops->power_query(dev->cfg.ctx, lo, hi - lo + 1U) != 0)
				ret = GFAIL(sys, fn, -EBUSY, "dev '%s' uses pa 0x%llx..0x%llx",
					    dev->name, vcm_ull(lo), vcm_ull(hi));
		}
	}
	if (mappers != NULL)
		*mappers = count;
out:
	sys_unlock_(sys);
	return ret;
}
