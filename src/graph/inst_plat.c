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
 *    the stash always has them and the platform is never asked. Each table
 *    gets its own block back: the break unmaps user after user, one batch
 *    of stashed blocks each, the table layer frees the tables one unmap
 *    call empties parents first in address order (walk_base.h,
 *    gather_flush), and the rollback maps the users back last first, each
 *    taking the blocks of its own batch in the order they came: a table is
 *    emptied by the last user that maps into it, and made again by the same
 *    user, the first to map into it on the way back;
 *  - INST_HOLD (while the new mappings are written): allocations forwarded,
 *    the stash kept aside; the new mappings do not take the old tables, so a
 *    failure leaves the stash whole for the rollback;
 *  - INST_DEFER (while a rollback unmaps the new mappings), and INST_HOLD
 *    and INST_REUSE as well (a refused map gives back tables it had linked):
 *    a freed table is held on a list of its own, never reused, so that the
 *    stash's batches stay the break's; it goes to the platform at the
 *    drain, after the devices were told;
 *  - INST_PASS (otherwise): plain forwarding, nothing stashed.
 * Outside migration, back and unback use INST_KEEP too: the tables a call
 * empties wait until its TLB fan-out has run (insts_stash_()).
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
	uint32_t batch;
	bool zero; /* given back all zero (table_free_zero) but for this node */
};

static struct vcm_inst *inst_of(struct vcm_plat_fwd *f)
{
	return GRAPH_CONTAINER(f, struct vcm_inst, fwd);
}

static int ip_table_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align, vcm_pa_t *pa,
			  void **cpu)
{
	struct vcm_inst *in = inst_of(f);
	const struct vcm_plat_ops *plat = f->to;

	if (in->stash_mode == INST_REUSE && in->stash != NULL) {
		/* batches come in order: the last node's is the newest, the user mapped back now */
		const uint32_t newest =
			GRAPH_CONTAINER(in->stash_end, struct stash_node, next)->batch;

		for (struct stash_node **pp = &in->stash; *pp != NULL; pp = &(*pp)->next) {
			struct stash_node *n = *pp;

			if (n->batch != newest || n->size != size || (n->pa & (align - 1U)) != 0U)
				continue;
			*pp = n->next;
			if (n->next == NULL)
				in->stash_end = pp;
			*pa = n->pa;
			*cpu = n;
			graph_zero(n, (size_t)size);
			if (plat->cache_clean != NULL)
				plat->cache_clean(plat->ctx, n, (size_t)size);
			return 0;
		}
	}
	return vcm_plat_fwd_table_alloc(f, size, align, pa, cpu);
}

/* During the break, onto the stash (true); else the caller passes it on. */
static bool ip_stash(struct vcm_inst *in, vcm_pa_t pa, void *cpu, uint64_t size, bool zero)
{
	struct stash_node *n = cpu;

	/* every table of every format is far larger than the link */
	if (size < sizeof(struct stash_node) || in->stash_mode == INST_PASS)
		return false;
	if (in->stash_mode != INST_KEEP) {
		n->next = in->late;
		n->pa = pa;
		n->size = size;
		n->zero = zero;
		in->late = n;
		return true;
	}
	/* at the end: a batch hands its blocks out in the order they came */
	n->next = NULL;
	n->pa = pa;
	n->size = size;
	n->zero = zero;
	n->batch = in->stash_batch;
	*in->stash_end = n;
	in->stash_end = &n->next;
	return true;
}

static void ip_table_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	if (!ip_stash(inst_of(f), pa, cpu, size, false))
		vcm_plat_fwd_table_free(f, pa, cpu, size);
}

/* An emptied table: as above, or on to the platform as zero (hosted builds:
 * a freestanding forwarder passes no zero blocks on). */
#if __STDC_HOSTED__
static void ip_table_free_zero(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	if (!ip_stash(inst_of(f), pa, cpu, size, true))
		vcm_plat_fwd_table_free_zero(f, pa, cpu, size);
}
#endif

void inst_plat_init_(struct vcm_inst *in, struct vcm_sys *sys)
{
	in->sys = sys;
	in->stash = NULL;
	in->stash_end = &in->stash;
	in->late = NULL;
	in->stash_batch = 0;
	in->stash_mode = INST_PASS;
	in->fwd = (struct vcm_plat_fwd){ .to = sys->plat, .table_alloc = ip_table_alloc,
					 .table_free = ip_table_free };
#if __STDC_HOSTED__
	in->fwd.table_free_zero = ip_table_free_zero;
#endif
	/* an op the platform lacks stays absent, so the layers below see the same gaps */
	vcm_plat_fwd_ops(&in->fwd, &in->plat);
}

void inst_stash_batch_(struct vcm_inst *in)
{
	in->stash_batch++;
}

/* @n's block to the platform: as a zero block again if it came as one. */
static void stash_free(const struct vcm_plat_ops *plat, struct stash_node *n)
{
	const vcm_pa_t pa = n->pa;
	const uint64_t size = n->size;

	if (n->zero && plat->table_free_zero != NULL) {
		graph_zero(n, sizeof(*n));
		if (plat->cache_clean != NULL)
			plat->cache_clean(plat->ctx, n, sizeof(*n));
		plat->table_free_zero(plat->ctx, pa, n, size);
	} else {
		plat->table_free(plat->ctx, pa, n, size);
	}
}

void inst_stash_drain_(struct vcm_inst *in)
{
	const struct vcm_plat_ops *plat = in->sys->plat;

	in->stash_mode = INST_PASS;
	in->stash_batch = 0;
	while (in->stash != NULL) {
		struct stash_node *n = in->stash;

		in->stash = n->next;
		stash_free(plat, n);
	}
	in->stash_end = &in->stash;
	while (in->late != NULL) {
		struct stash_node *n = in->late;

		in->late = n->next;
		stash_free(plat, n);
	}
}
