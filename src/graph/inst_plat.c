// SPDX-License-Identifier: MIT
/*
 * The platform ops a mapper instance is created with: the system's own ops,
 * forwarded, except that table memory can be held back for one migration.
 *
 * vcm_migrate() removes the old mappings before it writes the new ones
 * (break-before-make at the same device addresses), and the table gives the
 * tables that became empty back at once. If the new mappings then fail, the
 * old ones must be written again, and that must not depend on the platform
 * having table memory left. So, per instance:
 *  - INST_KEEP (during the break): a freed table goes onto the instance's
 *    stash, not to the platform;
 *  - INST_REUSE (during the rollback): a table is taken from the stash first,
 *    by size; the rollback rebuilds exactly the tables the break freed, so
 *    the stash always has them and the platform is never asked;
 *  - INST_HOLD (while the new mappings are written): plain forwarding, the
 *    stash kept aside; the new mappings do not take the old tables, so a
 *    failure leaves the stash whole for the rollback;
 *  - INST_PASS (otherwise): plain forwarding, nothing stashed.
 * Stashed blocks are linked through their own first bytes (no metadata is
 * allocated, so stashing cannot fail either) and are zeroed and cleaned again
 * before reuse. inst_stash_drain_() returns them to the platform once the
 * TLBs no longer hold walks through them.
 *
 * Per instance, not per system: a block is only reused by the table that
 * freed it, so it is certain to be reachable by that table's format.
 */
#include "graph_internal.h"

struct stash_node {
	struct stash_node *next;
	vcm_pa_t pa;
	uint64_t size;
};

static int ip_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	struct vcm_inst *in = ctx;
	const struct vcm_plat_ops *plat = in->sys->plat;

	if (in->stash_mode == INST_REUSE) {
		for (struct stash_node **pp = &in->stash; *pp != NULL; pp = &(*pp)->next) {
			struct stash_node *n = *pp;

			if (n->size != size || (n->pa & (align - 1U)) != 0U)
				continue;
			*pp = n->next;
			*pa = n->pa;
			*cpu = n;
			graph_zero(n, (size_t)size);
			if (plat->cache_clean != NULL)
				plat->cache_clean(plat->ctx, n, (size_t)size);
			return 0;
		}
	}
	return plat->table_alloc(plat->ctx, size, align, pa, cpu);
}

static void ip_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct vcm_inst *in = ctx;
	const struct vcm_plat_ops *plat = in->sys->plat;

	/* every table of every format is far larger than the link */
	if (in->stash_mode == INST_KEEP && size >= sizeof(struct stash_node)) {
		struct stash_node *n = cpu;

		n->next = in->stash;
		n->pa = pa;
		n->size = size;
		in->stash = n;
		return;
	}
	plat->table_free(plat->ctx, pa, cpu, size);
}

static void *ip_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	const struct vcm_plat_ops *plat = ((struct vcm_inst *)ctx)->sys->plat;

	return plat->pa_to_cpu(plat->ctx, pa);
}

static void ip_cache_clean(void *ctx, void *cpu, size_t len)
{
	const struct vcm_plat_ops *plat = ((struct vcm_inst *)ctx)->sys->plat;

	plat->cache_clean(plat->ctx, cpu, len);
}

static void *ip_meta_alloc(void *ctx, size_t size)
{
	const struct vcm_plat_ops *plat = ((struct vcm_inst *)ctx)->sys->plat;

	return plat->meta_alloc(plat->ctx, size);
}

static void ip_meta_free(void *ctx, void *p, size_t size)
{
	const struct vcm_plat_ops *plat = ((struct vcm_inst *)ctx)->sys->plat;

	plat->meta_free(plat->ctx, p, size);
}

void inst_plat_init_(struct vcm_inst *in, struct vcm_sys *sys)
{
	const struct vcm_plat_ops *plat = sys->plat;

	in->sys = sys;
	in->stash = NULL;
	in->stash_mode = INST_PASS;
	in->plat.ctx = in;
	/* an op the platform lacks stays absent, so the layers below see the same gaps */
	in->plat.table_alloc = plat->table_alloc != NULL ? ip_table_alloc : NULL;
	in->plat.table_free = plat->table_free != NULL ? ip_table_free : NULL;
	in->plat.pa_to_cpu = plat->pa_to_cpu != NULL ? ip_pa_to_cpu : NULL;
	in->plat.cache_clean = plat->cache_clean != NULL ? ip_cache_clean : NULL;
	in->plat.meta_alloc = ip_meta_alloc;
	in->plat.meta_free = ip_meta_free;
}

void inst_stash_drain_(struct vcm_inst *in)
{
	const struct vcm_plat_ops *plat = in->sys->plat;

	in->stash_mode = INST_PASS;
	while (in->stash != NULL) {
		struct stash_node *n = in->stash;

		in->stash = n->next;
		plat->table_free(plat->ctx, n->pa, n, n->size);
	}
}
