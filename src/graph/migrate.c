// SPDX-License-Identifier: MIT
/*
 * vcm_migrate(): move an allocation to new memory, system-wide. Every
 * reservation backed by it is remapped in every instance of its VCM with
 * break-before-make: unmap the old extents everywhere and invalidate the
 * TLBs, copy the bytes (nothing can write the old memory through a device
 * any more), map the new extents and invalidate again. The handle keeps
 * naming the memory; the old allocation is freed.
 *
 * The new memory is asked for under the constraints of the tables that map
 * the old: a contiguous allocation (VCM_PHYS_CONT, vcm_alloc_cont()) stays
 * contiguous, aligned as asked and at least to the largest granule among
 * those tables; a chunked one keeps its chunk sizes minus those below that
 * granule (all of the memtype's sizes when it named none), and becomes
 * contiguous, aligned to the granule, when no allowed size is left. So
 * memory a 64K-granule table mapped is never replaced by 4K chunks it cannot
 * map. Without such a table the plan is the caller's, unchanged.
 *
 * All or nothing, with a rollback that cannot fail:
 *  1. before anything is unmapped: the new memory, every new extent array,
 *     and a check of every new extent against the granule of every instance
 *     that will map it (-EINVAL naming the extent otherwise);
 *  2. the break runs with each instance's table memory held back
 *     (inst_plat.c: the tables the unmap empties are kept, not freed);
 *  3. if a table still refuses the new mapping (table memory ran out), the
 *     new mappings are removed and the old ones written back from the held
 *     tables only, so the platform is not asked for memory and the record and
 *     the tables cannot come apart (a CPU mapper has to mmap again, which can
 *     fail: that reservation is left unbacked and named, remap_old());
 *  4. the held tables go back to the platform at the end, after the TLB
 *     invalidation that follows the break.
 *
 * Also vcm_power_query(), which asks every device that maps a physical range.
 */
#include "graph_internal.h"

struct plan {
	struct rmap_ext *ext;
	uint32_t *by_pa;
	uint64_t nr;
};

/* Copy the bytes of @from to @to (the same length), extent by extent. */
static int copy_mem(struct vcm_sys *sys, const struct vcm_physmem *to,
		    const struct vcm_physmem *from)
{
	struct copy_side t, f;
	vcm_pa_t bad;
	int ret;

	copy_side_mem_(&t, to);
	copy_side_mem_(&f, from);
	ret = copy_phys_(sys->plat, &t, &f, UINT64_MAX, &bad);

	if (ret == -EACCES)
		return GERR(sys, ret, "pa %#llx: the host maps it read-only", vcm_ull(bad));
	if (ret == -EINVAL)
		return GERR(sys, ret, "pa %#llx of the new memory is the same memory as a byte of "
			    "the old (the host maps both IPAs to it)", vcm_ull(bad));
	if (ret != 0)
		return GERR(sys, ret, "pa %#llx has no CPU view", vcm_ull(bad));
	return 0;
}

/* Also turns the caller's handle at @memp into the object. */
static int check_mem(struct vcm_sys *sys, struct vcm_mem **memp)
{
	struct vcm_mem *mem;
	struct glist *p;

	if (!gobj_take_(memp, GK_MEM, sys))
		return GERR(sys, -EINVAL, "mem is not a live allocation of this system");
	mem = *memp;
	if (mem->memtype < 0)
		return GERR(sys, -EINVAL, "mem wraps memory the caller owns: it cannot move");
	if (sys->plat->pa_to_cpu == NULL)
		return GERR(sys, -EOPNOTSUPP, "the platform has no pa_to_cpu to copy with");
	/* a guest's tables keep CPU pointers into the memory of their arena */
	if (mem->guest_pinned)
		return GERR(sys, -EBUSY, "mem holds a guest's tables (IPA %#llx)",
			    vcm_ull(mem->guest_ipa));
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);
		const struct glist *q;
		vcm_da_t at = 0;
		int ret;

		if (res->vcm->kind == VK_ONE_TO_ONE)
			return GERR(sys, -EBUSY,
				    "mem is mapped one-to-one at da %#llx: its address is fixed",
				    vcm_ull(res->da));
		/*
		 * A device without an MMU in an ordinary VCM sees the memory at
		 * its own address too: refused here, before anything is unmapped,
		 * not by its mapper halfway (whose undo then needs metadata).
		 */
		glist_for_each(q, &res->vcm->insts)
			if (GRAPH_CONTAINER(q, struct vcm_inst, node)->ops->identity)
				return GERR(sys, -EBUSY,
					    "mem is mapped at da %#llx for a device without an MMU "
					    "(one-to-one): its address is fixed", vcm_ull(res->da));
		/* the new leaves start clean: a write not yet harvested would be lost */
		ret = res_dirty_at_(sys, res, &at);
		if (ret > 0)
			return GERR(sys, -EBUSY, "da %#llx was written since the last harvest "
				    "(vcm_res_read_clear_dirty)", vcm_ull(at));
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The smallest page of an instance: the lowest of its leaf sizes (4K without the op). */
static unsigned int inst_granule_lg2(const struct vcm_inst *in)
{
	uint64_t sizes = in->ops->page_sizes != NULL ? in->ops->page_sizes(in->mi) : 0U;

	return sizes != 0U ? vcm_ctz64(sizes) : 12U;
}

/* The largest granule among the instances that map @mem. */
static unsigned int users_granule_lg2(const struct vcm_mem *mem)
{
	unsigned int lg2 = 12U;
	const struct glist *p, *q;

	glist_for_each(p, &mem->users) {
		const struct vcm *vcm = GRAPH_CONTAINER(p, struct vcm_res, mem_node)->vcm;

		glist_for_each(q, &vcm->insts) {
			unsigned int g = inst_granule_lg2(GRAPH_CONTAINER(q, struct vcm_inst, node));

			lg2 = g > lg2 ? g : lg2;
		}
	}
	return lg2;
}

/* New memory for @mem that every table mapping it can map (see the top). */
static int alloc_like(struct vcm_sys *sys, const struct vcm_mem *mem, unsigned int gran_lg2,
		      struct vcm_physmem **out)
{
	unsigned int mt = (unsigned int)mem->memtype;
	uint64_t gran = UINT64_C(1) << gran_lg2;
	uint64_t sizes = mem->flags & VCM_PHYS_SIZE_MASK;
	int ret;

	if ((mem->flags & VCM_PHYS_CONT) != 0U || mem->align != 0U) {
		ret = vcm_phys_alloc_cont(sys->phys, mt, mem->len,
					  mem->align > gran ? mem->align : gran, out);
		goto done;
	}
	if (gran_lg2 <= 12U) { /* nothing to drop: the caller's plan as it was */
		ret = vcm_phys_alloc(sys->phys, mt, mem->len, mem->flags, out);
		goto done;
	}
	if (sizes == 0U || (mem->flags & VCM_PHYS_ALL) != 0U) {
		/* only the sizes: vcm_phys_stats() would build the memtype's run index */
		sizes = vcm_phys_memtype_sizes_(sys->phys, mt);
		VCM_ASSERT(sizes != 0U); /* the memtype exists: mem was allocated from it */
	}
	sizes &= ~(gran - 1U);
	if (sizes != 0U && (mem->len & ((sizes & -sizes) - 1U)) == 0U)
		ret = vcm_phys_alloc(sys->phys, mt, mem->len,
				     (mem->flags & ~(VCM_PHYS_SIZE_MASK | VCM_PHYS_ALL)) | sizes, out);
	else /* no chunk size the tables can take is left */
		ret = vcm_phys_alloc_cont(sys->phys, mt, mem->len, gran, out);
done:
	if (ret != 0)
		return GERR(sys, ret, "new memory: %s",
			    graph_msg_(vcm_phys_last_error(sys->phys)));
	return 0;
}

/* Can every instance of @res's VCM map the extents of @pl? Checked before the break. */
static int plan_fits(struct vcm_sys *sys, const struct vcm_res *res, const struct plan *pl)
{
	const struct glist *q;

	glist_for_each(q, &res->vcm->insts) {
		const struct vcm_inst *in = GRAPH_CONTAINER(q, struct vcm_inst, node);
		uint64_t mask = (UINT64_C(1) << inst_granule_lg2(in)) - 1U;

		for (uint64_t e = 0; e < pl->nr; e++) {
			const struct rmap_ext *x = &pl->ext[e];

			if (((x->da | x->tn.key | x->len) & mask) != 0U)
				return GERR(sys, -EINVAL,
					    "new extent pa %#llx len %#llx at da %#llx: "
					    "a table's granule is %#llx",
					    vcm_ull(x->tn.key), vcm_ull(x->len), vcm_ull(x->da),
					    vcm_ull(mask + 1U));
		}
	}
	return 0;
}

/* Set the stash mode of every instance that maps @mem. */
static void users_stash(struct vcm_mem *mem, enum inst_stash_mode mode)
{
	struct glist *p, *q;

	glist_for_each(p, &mem->users) {
		struct vcm *vcm = GRAPH_CONTAINER(p, struct vcm_res, mem_node)->vcm;

		glist_for_each(q, &vcm->insts) {
			struct vcm_inst *in = GRAPH_CONTAINER(q, struct vcm_inst, node);

			if (mode == INST_PASS)
				inst_stash_drain_(in);
			else
				in->stash_mode = mode;
		}
	}
}

/* Plan: the new extents of every user of @mem in @npm, each checked against its tables. */
static int migrate_plan(struct vcm_sys *sys, struct vcm_mem *mem, struct vcm_physmem *npm,
			struct plan *plan, uint64_t *built)
{
	struct glist *p;
	int ret;

	*built = 0;
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);
		struct plan *pl = &plan[*built];

		ret = ext_build_(sys, res, npm, &pl->ext, &pl->by_pa, &pl->nr);
		if (ret != 0)
			return ret;
		(*built)++; /* built: the caller frees it */
		ret = plan_fits(sys, res, pl);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/*
 * Write @res's old mappings back during an undo. Page tables take them from
 * the kept tables without fail; a CPU mapper has to mmap again, which can
 * fail a second time. insts_map_ext_() is all or nothing, so such a user is
 * then mapped nowhere: it moves to @lost (undo_lost() finishes it) and @why
 * keeps the mapper's message.
 */
static void remap_old(struct vcm_res *res, struct glist *lost, char *why)
{
	struct vcm_sys *sys = res->h.sys;
	int ret = insts_map_ext_(res->vcm, res->ext, res->nr_ext, res->prot);

	/* either way: the new mappings went, their tables wait for this (INST_DEFER) */
	tlb_fan_(res->vcm, res->da, res->len, false);
	if (ret == 0)
		return;
	graph_keep_msg_(sys, why);
	glist_del(&res->mem_node);
	glist_add_tail(lost, &res->mem_node);
}

/*
 * The end of an undo for the users on @lost (remap_old()), once the stashes
 * are back with the platform: rather than a record that claims mappings its
 * tables lack, each becomes unbacked (out of the reverse map, mapped in no
 * instance, its memory still the caller's), and the message names the
 * reservation, then @why, then @first (what made the migration fail). Each of their
 * VCMs' instances gets its stash drained here, as @mem no longer lists them.
 */
static void undo_lost(struct vcm_sys *sys, struct glist *lost, const char *first,
		      const char *why, int err)
{
	while (!glist_empty(lost)) {
		struct vcm_res *res = GRAPH_CONTAINER(lost->next, struct vcm_res, mem_node);
		struct glist *q;

		glist_for_each(q, &res->vcm->insts)
			inst_stash_drain_(GRAPH_CONTAINER(q, struct vcm_inst, node));
		/* what the caller must act on first: the message may be cut */
		GERR(sys, err, "res at da %#llx left unbacked: the undo could not map it "
		     "again (%s); what failed first: %s", vcm_ull(res->da), why, first);
		res_detach_(res);
	}
}

/*
 * Break: nothing translates to the old memory any more; emptied tables are
 * kept. A mapper may refuse to unmap (nothing of that user changed): the
 * users before it get their old mappings back from the kept tables, or, if
 * one cannot have them (remap_old()), are left unbacked; the refusal is
 * returned.
 */
static int migrate_break(struct vcm_mem *mem)
{
	struct vcm_sys *sys = mem->h.sys;
	char first[VCM_DIAG_MSG_LEN], why[VCM_DIAG_MSG_LEN];
	struct glist *p, *q, *next, lost;
	int ret = 0;

	users_stash(mem, INST_KEEP);
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		glist_for_each(q, &res->vcm->insts)
			inst_stash_batch_(GRAPH_CONTAINER(q, struct vcm_inst, node));
		ret = insts_unmap_ext_(res->vcm, res->ext, res->nr_ext, res->prot);
		if (ret != 0)
			break;
		tlb_fan_(res->vcm, res->da, res->len, false);
	}
	users_stash(mem, INST_HOLD);
	if (ret == 0)
		return 0;
	graph_keep_msg_(sys, first);
	glist_init(&lost);
	users_stash(mem, INST_REUSE);
	/* the users before @p, last first: each table gets its own block (inst_plat.c) */
	for (q = p->prev; q != &mem->users; q = next) {
		next = q->prev;
		remap_old(GRAPH_CONTAINER(q, struct vcm_res, mem_node), &lost, why);
	}
	users_stash(mem, INST_PASS);
	undo_lost(sys, &lost, first, why, ret);
	return ret;
}

/*
 * Make: the new mappings, with table memory from the platform, not the stash.
 * *@made receives how many users were mapped (all of them on success).
 */
static int migrate_make(struct vcm_mem *mem, const struct plan *plan, uint64_t *made)
{
	struct glist *p;
	int ret;

	*made = 0;
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		ret = insts_map_ext_(res->vcm, plan[*made].ext, plan[*made].nr, res->prot);
		if (ret != 0)
			return ret;
		(*made)++;
	}
	return 0;
}

/*
 * Undo: the first @made new mappings go (an unmap does not fail), the old
 * ones come back in the kept tables; a user whose old mapping cannot come
 * back is left unbacked (remap_old(), undo_lost()).
 */
static void migrate_undo(struct vcm_mem *mem, const struct plan *plan, uint64_t made, int err)
{
	struct vcm_sys *sys = mem->h.sys;
	char first[VCM_DIAG_MSG_LEN], why[VCM_DIAG_MSG_LEN];
	struct glist *p, *next, lost;
	uint64_t j = 0;

	graph_keep_msg_(sys, first);
	/* the new mappings' tables were live: held until remap_old() told the devices */
	users_stash(mem, INST_DEFER);
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		if (j < made) {
			int r = insts_unmap_ext_(res->vcm, plan[j].ext, plan[j].nr, res->prot);

			/* a mapper's unmap of what one map call made does not fail
			 * (struct vcm_mapper_ops; the hosted CPU's needs no mmap) */
			VCM_ASSERT(r == 0);
			(void)r;
		}
		j++;
	}
	glist_init(&lost);
	users_stash(mem, INST_REUSE);
	/* last first: each table gets its own block back (inst_plat.c) */
	for (p = mem->users.prev; p != &mem->users; p = next) {
		next = p->prev;
		remap_old(GRAPH_CONTAINER(p, struct vcm_res, mem_node), &lost, why);
	}
	users_stash(mem, INST_PASS);
	undo_lost(sys, &lost, first, why, err);
}

/* Commit: the record follows the tables; the plan's extents become the users' own. */
static void migrate_commit(struct vcm_sys *sys, struct vcm_mem *mem, const struct plan *plan)
{
	struct glist *p;
	uint64_t k = 0;

	users_stash(mem, INST_PASS);
	glist_for_each(p, &mem->users) {
		struct vcm_res *res = GRAPH_CONTAINER(p, struct vcm_res, mem_node);

		rmap_del_(res);
		ext_free_(sys, res->ext, res->nr_ext);
		res->ext = plan[k].ext;
		res->by_pa = plan[k].by_pa;
		res->nr_ext = (uint32_t)plan[k].nr;
		rmap_add_(res);
		tlb_fan_(res->vcm, res->da, res->len, true);
		k++;
	}
}

/*
 * The phases, each all or nothing with what came before: plan (new memory,
 * new extents, every table can take them), break (old mappings out, tables
 * kept), copy, make (new mappings), then commit, or undo back to the old.
 */
int vcm_migrate(struct vcm_sys *sys, struct vcm_mem *mem)
{
	struct vcm_physmem *npm = NULL;
	struct plan *plan = NULL;
	uint64_t nr_users = 0, built = 0, made = 0;
	int ret;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	ret = check_mem(sys, &mem);
	if (ret != 0)
		goto out;
	nr_users = mem->nr_users;
	ret = alloc_like(sys, mem, users_granule_lg2(mem), &npm);
	if (ret != 0)
		goto out;
	if (nr_users != 0U) {
		plan = meta_alloc_(sys, (size_t)nr_users * sizeof(*plan));
		if (plan == NULL) {
			ret = GERR(sys, -ENOMEM, "no metadata for the plan");
			goto free_new;
		}
	}
	ret = migrate_plan(sys, mem, npm, plan, &built);
	if (ret != 0)
		goto free_plan;
	ret = migrate_break(mem);
	if (ret != 0)
		goto free_plan;
	ret = copy_mem(sys, npm, mem->pm);
	if (ret == 0)
		ret = migrate_make(mem, plan, &made);
	if (ret != 0) {
		migrate_undo(mem, plan, made, ret);
		sys_diag_(sys)->err = ret;
		goto free_plan;
	}
	migrate_commit(sys, mem, plan);
	meta_free_(sys, plan, (size_t)nr_users * sizeof(*plan));
	ret = vcm_phys_free(sys->phys, mem->pm);
	VCM_ASSERT(ret == 0);
	mem->pm = npm;
	goto out;
free_plan:
	while (built-- != 0U)
		ext_free_(sys, plan[built].ext, plan[built].nr);
	meta_free_(sys, plan, (size_t)nr_users * sizeof(*plan));
free_new:
	vcm_phys_free(sys->phys, npm);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_power_query(struct vcm_sys *sys, vcm_pa_t pa, uint64_t len, unsigned int *mappers)
{
	const struct rmap_ext *e = NULL;
	unsigned int count = 0;
	int ret = 0;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	if (len == 0U) {
		ret = GERR(sys, -EINVAL, "len is 0");
		goto out;
	}
	if (pa + len - 1U < pa) {
		ret = GERR(sys, -EOVERFLOW, "pa %#llx + len %#llx wraps", vcm_ull(pa),
			   vcm_ull(len));
		goto out;
	}
	sys->epoch++;
	while ((e = rmap_next_(sys, pa, pa + len - 1U, e)) != NULL) {
		vcm_pa_t lo = e->tn.key > pa ? e->tn.key : pa;
		vcm_pa_t hi = e->tn.last < pa + len - 1U ? e->tn.last : pa + len - 1U;
		struct glist *p;

		glist_for_each(p, &e->res->vcm->assocs) {
			struct vcm_dev *dev = GRAPH_CONTAINER(p, struct vcm_avcm, vcm_node)->dev;
			const struct vcm_dev_ops *ops = dev->cfg.ops;

			/* counted once, asked about every extent of the range it maps */
			if (dev->epoch != sys->epoch) {
				dev->epoch = sys->epoch;
				count++;
			}
			if (ret == 0 && ops != NULL && ops->power_query != NULL &&
			    ops->power_query(dev->cfg.ctx, lo, hi - lo + 1U) != 0)
				ret = GERR(sys, -EBUSY, "dev '%s' uses pa %#llx..%#llx",
					   dev->name, vcm_ull(lo), vcm_ull(hi));
		}
	}
	if (mappers != NULL)
		*mappers = count;
out:
	sys_unlock_(sys);
	return ret;
}
