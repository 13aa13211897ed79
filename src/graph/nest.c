// SPDX-License-Identifier: MIT
/*
 * Nested translation, the graph's part: platform ops for a guest system whose
 * physical addresses are a host VCM's device addresses (IPAs). The guest's
 * tables come from an arena over one backed host reservation, with the
 * reservation's device address as the arena's physical base, so every
 * table address and every descriptor the guest writes holds an IPA; the
 * bytes land in the host memory behind it. docs/graph.md, "Nested
 * translation", says why this, rather than a new kind of association.
 */
#include "graph_internal.h"

/*
 * Whether @np's arena may be used: vcm_nest_plat_fini() clears tables_mem,
 * and from then on the host may move, free or reuse the memory under the
 * arena, so nothing of a guest may go there any more.
 */
static bool nest_armed(const struct vcm_nest_plat *np)
{
	/* read without the host's lock (a guest's table walk), written under it */
	return __atomic_load_n(&np->tables_mem, __ATOMIC_ACQUIRE) != NULL;
}

/* Guest metadata lives on the host's platform (CPU-only memory, no IPA). */
static void *nest_meta_alloc(void *ctx, size_t size)
{
	struct vcm_nest_plat *np = ctx;

	return np->host_plat->meta_alloc(np->host_plat->ctx, size);
}

static void nest_meta_free(void *ctx, void *p, size_t size)
{
	struct vcm_nest_plat *np = ctx;

	np->host_plat->meta_free(np->host_plat->ctx, p, size);
}

/*
 * The arena's books change under the host's lock, which vcm_nest_plat_fini()
 * holds while it counts the tables out and unpins: a table is then either
 * counted (and fini refuses) or never made in memory that fini unpinned.
 * The guest's own lock is held already; guest before host is the order
 * nest_pa_to_cpu() keeps too.
 */
static int nest_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	struct vcm_nest_plat *np = ctx;
	struct vcm *host = np->host;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&host, GK_VCM, "host", NULL, &ret);

	if (sys == NULL)
		return -ENOMEM;
	ret = -ENOMEM;
	/* a guest system that outlived vcm_nest_plat_fini() gets no table there */
	if (nest_armed(np))
		ret = np->arena_ops.table_alloc(np->arena_ops.ctx, size, align, pa, cpu);
	sys_unlock_(sys);
	return ret;
}

bool nest_plat_ops_(const struct vcm_plat_ops *ops)
{
	return ops->table_alloc == nest_table_alloc;
}

static void nest_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct vcm_nest_plat *np = ctx;
	struct vcm *host = np->host;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&host, GK_VCM, "host", NULL, &ret);

	/* no host (it cannot go while the arena pins its memory): nothing to write to */
	if (sys == NULL)
		return;
	np->arena_ops.table_free(np->arena_ops.ctx, pa, cpu, size);
	sys_unlock_(sys);
}

/*
 * What the host maps at @ipa now, for a caller holding the host's lock:
 * the CPU view of guest data (vcm_res_copy() and vcm_migrate() in the
 * guest), or NULL where the host maps nothing.
 */
static void *host_cpu_at(const struct vcm_nest_plat *np, struct vcm *host, vcm_pa_t ipa)
{
	const struct rmap_ext *e;
	struct vcm_res *res = res_at_(host, ipa);

	e = res != NULL && res->mem != NULL ? ext_at_da_(res, ipa) : NULL;
	return e != NULL ? np->host_plat->pa_to_cpu(np->host_plat->ctx, e->tn.key + (ipa - e->da))
			 : NULL;
}

/* An IPA: the arena's own (the guest's tables), else what the host maps there. */
static void *nest_pa_to_cpu(void *ctx, vcm_pa_t ipa)
{
	struct vcm_nest_plat *np = ctx;
	void *p = nest_armed(np) ? vcm_plat_arena_pa_to_cpu(&np->arena, ipa) : NULL;
	struct vcm *host = np->host;
	struct vcm_sys *sys;
	int ret;

	if (p != NULL)
		return p;
	sys = gobj_lock_(&host, GK_VCM, "host", NULL, &ret);
	if (sys == NULL)
		return NULL;
	p = host_cpu_at(np, host, ipa);
	sys_unlock_(sys);
	return p;
}

struct vcm_sys *nest_hold_(const struct vcm_plat_ops *ops)
{
	struct vcm_nest_plat *np = ops->ctx;
	struct vcm *host = np->host;
	int ret;

	return gobj_lock_(&host, GK_VCM, "host", NULL, &ret);
}

void *nest_cpu_held_(const struct vcm_plat_ops *ops, vcm_pa_t ipa)
{
	const struct vcm_nest_plat *np = ops->ctx;
	void *p = nest_armed(np) ? vcm_plat_arena_pa_to_cpu(&np->arena, ipa) : NULL;

	/* the host is live and locked (nest_hold_()): its handle names it */
	return p != NULL ? p : host_cpu_at(np, gobj_slot_(np->host), ipa);
}

bool nest_writable_held_(const struct vcm_plat_ops *ops, vcm_pa_t ipa)
{
	const struct vcm_nest_plat *np = ops->ctx;
	const struct vcm_res *res;

	if (nest_armed(np) && vcm_plat_arena_pa_to_cpu(&np->arena, ipa) != NULL)
		return true;
	/* the host's stage 2 decides, as for the guest's devices */
	res = res_at_(gobj_slot_(np->host), ipa);
	return res != NULL && (res->prot & VCM_PT_PROT_WRITE) != 0U;
}

/*
 * Whether @np is made and not finished: its memory handle still names a live
 * allocation of the host that holds this arena. Takes the host's lock (the
 * guest system does not exist yet, so no guest lock is held).
 */
static bool nest_live(const struct vcm_nest_plat *np)
{
	struct vcm_mem *mem = np->tables_mem;
	struct vcm_sys *sys;
	bool live;
	int ret;

	if (mem == NULL)
		return false;
	sys = gobj_lock_(&mem, GK_MEM, "np's memory", NULL, &ret);
	if (sys == NULL)
		return false;
	live = mem->guest_pinned && mem->guest_ipa == np->arena.pa;
	sys_unlock_(sys);
	return live;
}

/*
 * Whether the memtypes have the shape vcm_phys_create() reads: an array of
 * 1..VCM_PHYS_MAX_MEMTYPES, each with ranges. Anything else is refused there,
 * with its own message, before any range is read; so this check reads
 * nothing the phys layer would not.
 */
static bool memtypes_readable(const struct vcm_sys_cfg *cfg)
{
	if (cfg->memtypes == NULL || cfg->nr_memtypes == 0U ||
	    cfg->nr_memtypes > VCM_PHYS_MAX_MEMTYPES)
		return false;
	for (unsigned int i = 0; i < cfg->nr_memtypes; i++)
		if (cfg->memtypes[i].ranges == NULL || cfg->memtypes[i].nr_ranges == 0U)
			return false;
	return true;
}

int nest_check_memtypes_(const struct vcm_sys_cfg *cfg, struct vcm_diag *diag)
{
	const struct vcm_nest_plat *np = cfg->plat->ctx;
	vcm_pa_t lo, last;

	/*
	 * Before any platform op: a finished plat's memory may be freed or
	 * someone else's, and its host system may be gone with its platform.
	 */
	if (!nest_live(np))
		return VCM_ERR(diag, -EINVAL, "cfg->plat: its vcm_nest_plat is finished or "
			       "was never made: no host memory is pinned for the guest's tables");
	if (!memtypes_readable(cfg))
		return 0;
	lo = np->arena.pa;
	last = np->arena.pa + (np->arena.len - 1U);
	for (unsigned int i = 0; i < cfg->nr_memtypes; i++)
		for (unsigned int r = 0; r < cfg->memtypes[i].nr_ranges; r++) {
			const struct vcm_phys_range *rg = &cfg->memtypes[i].ranges[r];

			/* an empty or wrapping range is the phys layer's to refuse */
			if (rg->len != 0U && rg->pa <= last && lo <= rg->pa + (rg->len - 1U))
				return VCM_ERR(diag, -EINVAL,
					       "cfg->memtypes[%u].ranges[%u] [%#llx, +%#llx) covers "
					       "the guest's table arena at IPA %#llx: a buffer "
					       "there would hold its own tables", i, r,
					       vcm_ull(rg->pa), vcm_ull(rg->len), vcm_ull(lo));
		}
	return 0;
}

/*
 * Bytes of @a handed out: its tables. An arena starts with all but its books
 * free, the first len/1024 bytes rounded up to 1 KiB (include/vcm/platform.h).
 */
static uint64_t arena_out_bytes(const struct vcm_plat_arena *a)
{
	const uint64_t min = UINT64_C(1) << VCM_PLAT_ARENA_MIN_LG2;
	const uint64_t books = (a->len / min + min - 1U) / min * min;

	return a->len - books - vcm_plat_arena_free_bytes(a);
}

int vcm_nest_plat_fini(struct vcm_nest_plat *np)
{
	struct vcm_mem *mem;
	struct vcm_sys *sys;
	uint64_t held;
	int ret;

	if (np == NULL)
		return -EINVAL;
	mem = np->tables_mem;
	sys = gobj_lock_(&mem, GK_MEM, "np's memory", __func__, &ret);
	if (sys == NULL)
		return ret;
	/*
	 * A guest table in the arena is a live guest system's (a VCM of it
	 * associated with a device): unpinned, the host could free or reuse
	 * the memory while that guest writes descriptors into it.
	 */
	held = arena_out_bytes(&np->arena);
	if (held != 0U) {
		ret = GERR(sys, -EBUSY, "np: a live guest system has %#llx bytes of tables in "
			   "the arena at IPA %#llx: vcm_sys_destroy() it first", vcm_ull(held),
			   vcm_ull(np->arena.pa));
		goto out;
	}
	mem->guest_pinned = false;
	glist_del(&mem->pinned_node);
	__atomic_store_n(&np->tables_mem, NULL, __ATOMIC_RELEASE);
out:
	sys_unlock_(sys);
	return ret;
}

/*
 * The pinned memory of @sys (a guest's table arena) that shares a byte with
 * [@pa, @pa + @len), or NULL. By physical range, not by allocation: a wrap
 * (vcm_alloc_wrap()) of a live arena's bytes is another allocation over the
 * same memory, and a second arena there would reset the live one's books.
 */
static const struct vcm_mem *pinned_at(const struct vcm_sys *sys, vcm_pa_t pa, uint64_t len)
{
	const struct glist *p;

	glist_for_each(p, &sys->pinned) {
		const struct vcm_mem *m = GRAPH_CONTAINER(p, struct vcm_mem, pinned_node);
		uint64_t it = 0, n;
		vcm_pa_t q;

		while (vcm_phys_next_extent(m->pm, &it, &q, &n) == 0)
			if (q <= pa + (len - 1U) && pa <= q + (n - 1U))
				return m;
	}
	return NULL;
}

int vcm_nest_plat_init(struct vcm_nest_plat *np, struct vcm_res *tables)
{
	const struct rmap_ext *e;
	const struct vcm_mem *busy;
	struct vcm *host;
	uint8_t *first, *last;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&tables, GK_RES, "tables", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (np == NULL) {
		ret = GERR(sys, -EINVAL, "np is NULL");
		goto out;
	}
	host = tables->vcm;
	if (host->kind != VK_DEV) {
		ret = GERR(sys, -EINVAL, "tables: its VCM has no page tables of its own: "
			   "a host is a VCM from vcm_create()");
		goto out;
	}
	if (tables->mem == NULL) {
		ret = GERR(sys, -ENOENT, "tables at IPA %#llx is not backed: the guest's "
			   "tables would have no memory behind them", vcm_ull(tables->da));
		goto out;
	}
	if (tables->nr_ext != 1U) {
		ret = GERR(sys, -EINVAL, "tables at IPA %#llx: its memory is in %llu "
			   "physical extents, one is needed", vcm_ull(tables->da),
			   vcm_ull(tables->nr_ext));
		goto out;
	}
	e = &tables->ext[0];
	/* a second arena, through this reservation or another, would reset the live one's books */
	busy = pinned_at(sys, e->tn.key, e->len);
	if (busy != NULL) {
		ret = GERR(sys, -EBUSY, "tables at IPA %#llx: its memory holds a guest's tables "
			   "already (the arena at IPA %#llx; vcm_nest_plat_fini() that one first)",
			   vcm_ull(tables->da), vcm_ull(busy->guest_ipa));
		goto out;
	}
	first = sys->plat->pa_to_cpu(sys->plat->ctx, e->tn.key);
	last = sys->plat->pa_to_cpu(sys->plat->ctx, e->tn.key + (e->len - 1U));
	if (first == NULL || last != first + (e->len - 1U)) {
		ret = GERR(sys, -EINVAL, "tables at IPA %#llx: pa %#llx has no one CPU view "
			   "of %#llx bytes", vcm_ull(tables->da), vcm_ull(e->tn.key),
			   vcm_ull(e->len));
		goto out;
	}
	graph_zero(np, sizeof(*np));
	ret = vcm_plat_arena_init(&np->arena, first, tables->da, tables->len);
	if (ret != 0) {
		ret = GERR(sys, ret, "tables at IPA %#llx: %s", vcm_ull(tables->da),
			   graph_msg_(np->arena.diag.msg));
		goto out;
	}
	vcm_plat_arena_ops(&np->arena, &np->arena_ops);
	/* pinned until vcm_nest_plat_fini(): neither moved nor freed */
	tables->mem->guest_pinned = true;
	tables->mem->guest_ipa = tables->da;
	glist_add_tail(&sys->pinned, &tables->mem->pinned_node);
	__atomic_store_n(&np->tables_mem, gobj_handle_(tables->mem), __ATOMIC_RELEASE);
	np->host = gobj_handle_(host);
	np->host_plat = sys->plat;
	np->ops = (struct vcm_plat_ops){
		.ctx = np,
		.table_alloc = nest_table_alloc,
		.table_free = nest_table_free,
		.pa_to_cpu = nest_pa_to_cpu,
		.cache_clean = NULL,
		.meta_alloc = nest_meta_alloc,
		.meta_free = nest_meta_free,
	};
out:
	sys_unlock_(sys);
	return ret;
}
