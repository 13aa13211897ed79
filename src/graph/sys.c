// SPDX-License-Identifier: MIT
/*
 * The system: the root every other object hangs off. It owns the memtypes
 * (a struct vcm_phys), the handle pools, the lists of devices, VCMs and
 * physical allocations, and the reverse map. No global state: two systems
 * share nothing but, if the caller wants, their platform ops.
 */
#include "graph_internal.h"

#if GRAPH_FINE
/*
 * With finer locks, calls in different VCMs reach the platform ops at once:
 * the system hands everyone (its VCMs' spaces, mapper instances, memtypes)
 * ops that call the caller's under the plat leaf lock, so a platform written
 * for one lock needs none of its own. pa_to_cpu and cache_clean only read.
 */
static int lp_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	struct vcm_sys *sys = ctx;
	const struct vcm_plat_ops *u = sys->user_plat;
	int ret;

	leaf_lock_(sys, sys->l_plat);
	ret = u->table_alloc(u->ctx, size, align, pa, cpu);
	leaf_unlock_(sys, sys->l_plat);
	return ret;
}

/* @op (one of the user's frees) with the block, under the platform lock. */
static void lp_free_locked(struct vcm_sys *sys,
			   void (*op)(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size),
			   vcm_pa_t pa, void *cpu, uint64_t size)
{
	leaf_lock_(sys, sys->l_plat);
	op(sys->user_plat->ctx, pa, cpu, size);
	leaf_unlock_(sys, sys->l_plat);
}

static void lp_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct vcm_sys *sys = ctx;

	lp_free_locked(sys, sys->user_plat->table_free, pa, cpu, size);
}

static void lp_table_free_zero(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct vcm_sys *sys = ctx;

	lp_free_locked(sys, sys->user_plat->table_free_zero, pa, cpu, size);
}

static void *lp_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	const struct vcm_plat_ops *u = ((struct vcm_sys *)ctx)->user_plat;

	return u->pa_to_cpu(u->ctx, pa);
}

static void lp_cache_clean(void *ctx, void *cpu, size_t len)
{
	const struct vcm_plat_ops *u = ((struct vcm_sys *)ctx)->user_plat;

	u->cache_clean(u->ctx, cpu, len);
}

static void *lp_meta_alloc(void *ctx, size_t size)
{
	struct vcm_sys *sys = ctx;
	const struct vcm_plat_ops *u = sys->user_plat;
	void *p;

	leaf_lock_(sys, sys->l_plat);
	p = u->meta_alloc(u->ctx, size);
	leaf_unlock_(sys, sys->l_plat);
	return p;
}

static void lp_meta_free(void *ctx, void *p, size_t size)
{
	struct vcm_sys *sys = ctx;
	const struct vcm_plat_ops *u = sys->user_plat;

	leaf_lock_(sys, sys->l_plat);
	u->meta_free(u->ctx, p, size);
	leaf_unlock_(sys, sys->l_plat);
}

static void lock_drop(struct vcm_sys *sys, void **l)
{
	if (*l != NULL)
		sys->locks.destroy(sys->locks.ctx, *l);
	*l = NULL;
}

static void locks_fini(struct vcm_sys *sys)
{
	void **l[] = { &sys->l_sys, &sys->l_dev, &sys->l_slots, &sys->l_plat };

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		lock_drop(sys, l[i]);
	for (unsigned int i = 0; i < RMAP_SHARDS; i++)
		lock_drop(sys, &sys->rmap[i].lock);
	for (unsigned int i = 0; i < SLOT_CACHES; i++)
		lock_drop(sys, &sys->slot_cache[i].lock);
	sys->fine = false;
	sys->plat = sys->user_plat;
}

/*
 * cfg->locks: the system's rwlock, and with a per-thread record (diag_slot)
 * the leaf locks and (unless the platform says it is thread-safe) the locked
 * platform ops that let calls inside one VCM share it. Without a diag_slot
 * every call stays exclusive.
 */
static int locks_init(struct vcm_sys *sys, const struct vcm_sys_cfg *cfg)
{
	const struct vcm_lock_ops *lo = cfg->locks;
	const struct vcm_plat_ops *u = cfg->plat;

	sys->locks = *lo;
	sys->l_sys = lo->create(lo->ctx, VCM_LOCK_SYS, "system", true);
	if (sys->l_sys == NULL)
		return -ENOMEM;
	if (cfg->diag_slot == NULL)
		return 0;
	sys->l_dev = lo->create(lo->ctx, VCM_LOCK_DEV, "device ops", false);
	sys->l_slots = lo->create(lo->ctx, VCM_LOCK_SLOTS, "handle slots", false);
	if (sys->l_dev == NULL || sys->l_slots == NULL) {
		locks_fini(sys);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < RMAP_SHARDS; i++) {
		sys->rmap[i].lock = lo->create(lo->ctx, VCM_LOCK_RMAP, "reverse map", false);
		if (sys->rmap[i].lock == NULL) {
			locks_fini(sys);
			return -ENOMEM;
		}
	}
	/* the slot caches need the thread's number; all of them or none */
	for (unsigned int i = 0; lo->self != NULL && i < SLOT_CACHES; i++) {
		sys->slot_cache[i].lock = lo->create(lo->ctx, VCM_LOCK_SLOT_CACHE,
						     "handle cache", false);
		if (sys->slot_cache[i].lock == NULL) {
			locks_fini(sys);
			return -ENOMEM;
		}
	}
	sys->fine = true;
	if ((lo->flags & VCM_LOCKS_PLAT_SAFE) != 0U)
		return 0;
	sys->l_plat = lo->create(lo->ctx, VCM_LOCK_PLAT, "platform ops", false);
	if (sys->l_plat == NULL) {
		locks_fini(sys);
		return -ENOMEM;
	}
	sys->locked_plat = (struct vcm_plat_ops){
		.ctx = sys,
		.table_alloc = u->table_alloc != NULL ? lp_table_alloc : NULL,
		.table_free = u->table_free != NULL ? lp_table_free : NULL,
		.pa_to_cpu = u->pa_to_cpu != NULL ? lp_pa_to_cpu : NULL,
		.cache_clean = u->cache_clean != NULL ? lp_cache_clean : NULL,
		.meta_alloc = lp_meta_alloc,
		.meta_free = lp_meta_free,
		.table_free_zero = u->table_free_zero != NULL ? lp_table_free_zero : NULL,
	};
	sys->plat = &sys->locked_plat;
	return 0;
}
#else
static void locks_fini(struct vcm_sys *sys)
{
	(void)sys;
}

static int locks_init(struct vcm_sys *sys, const struct vcm_sys_cfg *cfg)
{
	(void)sys;
	(void)cfg;
	return -ENOMEM; /* not reached: refused above */
}
#endif

int vcm_sys_create(const struct vcm_sys_cfg *cfg, struct vcm_sys **out, struct vcm_diag *diag)
{
	struct vcm_phys_cfg pcfg;
	struct vcm_diag pdiag = { 0 };
	struct vcm_sys *sys;
	int ret;

	vcm_diag_enter(diag, __func__);
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	if (cfg->plat == NULL || cfg->plat->meta_alloc == NULL || cfg->plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->plat or its meta_alloc/meta_free is NULL");
	if (cfg->lock != NULL && ((cfg->lock->lock == NULL) != (cfg->lock->unlock == NULL)))
		return VCM_ERR(diag, -EINVAL, "cfg->lock has only one of lock and unlock");
	if (cfg->locks != NULL && !GRAPH_FINE)
		return VCM_ERR(diag, -EOPNOTSUPP, "cfg->locks: finer locks need a hosted build");
	/*
	 * A guest's platform calls into its host system, whose locks rank like
	 * its own: under finer locks a guest call would take the host's system
	 * and platform locks while holding its own of the same rank.
	 */
	if (cfg->locks != NULL && cfg->plat != NULL && nest_plat_ops_(cfg->plat))
		return VCM_ERR(diag, -EOPNOTSUPP, "cfg->locks: a guest system (vcm_nest_plat) "
			       "takes one lock, cfg->lock");
	if (cfg->plat != NULL && nest_plat_ops_(cfg->plat)) {
		ret = nest_check_memtypes_(cfg, diag);
		if (ret != 0)
			return ret;
	}
	if (cfg->locks != NULL && (cfg->locks->create == NULL || cfg->locks->destroy == NULL ||
				   cfg->locks->lock == NULL || cfg->locks->unlock == NULL))
		return VCM_ERR(diag, -EINVAL, "cfg->locks lacks one of create, destroy, lock, unlock");
	sys = cfg->plat->meta_alloc(cfg->plat->ctx, sizeof(*sys));
	if (sys == NULL)
		return VCM_ERR(diag, -ENOMEM, "no metadata for the system");
	graph_zero(sys, sizeof(*sys));
	sys->plat = cfg->plat;
	sys->user_plat = cfg->plat;
	if (cfg->lock != NULL)
		sys->lock = *cfg->lock;
	sys->diag_slot = cfg->diag_slot;
	sys->diag_ctx = cfg->diag_ctx;
	if (cfg->locks != NULL && locks_init(sys, cfg) != 0) {
		cfg->plat->meta_free(cfg->plat->ctx, sys, sizeof(*sys));
		return VCM_ERR(diag, -ENOMEM, "cfg->locks could not make the system's locks");
	}
	if (cfg->slots != NULL && gpool_adopt_(sys, cfg->slots) != 0) {
		locks_fini(sys);
		cfg->plat->meta_free(cfg->plat->ctx, sys, sizeof(*sys));
		return VCM_ERR(diag, -EBUSY, "cfg->slots is in use by another system");
	}
	pcfg.memtypes = cfg->memtypes;
	pcfg.nr_memtypes = cfg->nr_memtypes;
	pcfg.plat = sys->plat;
	ret = vcm_phys_create(&pcfg, &sys->phys, &pdiag);
	if (ret != 0) {
		/* keep the phys message, under our name */
		VCM_ERR(diag, ret, "memtypes: %s", graph_msg_(pdiag.msg));
		gpool_fini_(sys); /* gives adopted slabs back to cfg->slots */
		locks_fini(sys);
		cfg->plat->meta_free(cfg->plat->ctx, sys, sizeof(*sys));
		return ret;
	}
	glist_init(&sys->devs);
	glist_init(&sys->vcms);
	glist_init(&sys->mems);
	glist_init(&sys->pinned);
	sys->magic = GRAPH_MAGIC_SYS;
	*out = sys;
	return 0;
}

bool sys_live_(const struct vcm_sys *sys)
{
	return sys != NULL && (uintptr_t)sys % _Alignof(struct vcm_sys) == 0U &&
	       sys->magic == GRAPH_MAGIC_SYS;
}

int vcm_sys_destroy(struct vcm_sys *sys)
{
	const struct vcm_plat_ops *plat;
	int ret;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	if (sys->nr_vcm != 0U || sys->nr_dev != 0U || sys->nr_mem != 0U) {
		ret = GERR(sys, -EBUSY, "%llu VCMs, %llu devices and %llu allocations are live",
			   vcm_ull(sys->nr_vcm), vcm_ull(sys->nr_dev), vcm_ull(sys->nr_mem));
		sys_unlock_(sys);
		return ret;
	}
	ret = vcm_phys_destroy(sys->phys);
	if (ret != 0) {
		ret = GERR(sys, ret, "memtypes: %s", graph_msg_(vcm_phys_last_error(sys->phys)));
		sys_unlock_(sys);
		return ret;
	}
	gpool_fini_(sys);
	sys->magic = 0;
	sys_unlock_(sys);
	/* the caller makes sure no other call on sys is running or will start */
	locks_fini(sys);
	plat = sys->user_plat;
	plat->meta_free(plat->ctx, sys, sizeof(*sys));
	return 0;
}

int vcm_sys_counts(struct vcm_sys *sys, struct vcm_sys_counts *out)
{
	int ret = 0;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	if (out == NULL)
		ret = GERR(sys, -EINVAL, "out is NULL");
	else
		*out = (struct vcm_sys_counts){ sys->nr_vcm, sys->nr_dev, sys->nr_mem };
	sys_unlock_(sys);
	return ret;
}

const char *vcm_sys_last_error(const struct vcm_sys *sys)
{
	if (!sys_live_(sys))
		return "vcm_sys_last_error: sys is not a live system";
	return sys_diag_(sys)->msg;
}

struct vcm_phys *vcm_sys_phys(struct vcm_sys *sys)
{
	if (!sys_live_(sys))
		return NULL;
	return sys->phys;
}

uint64_t vcm_get_min_page_size(const struct vcm_sys *sys)
{
	return sys_live_(sys) ? GRAPH_PAGE : 0U;
}
