// SPDX-License-Identifier: MIT
/*
 * Allocation records (struct vcm_physmem): carved from slabs that the set owns
 * until vcm_phys_destroy(), never given back one by one. A freed handle
 * therefore still points at a record of ours, marked dead, and using it is an
 * error rather than a use after free. Dead records wait in a FIFO and are
 * reused oldest first, so a stale handle stays dead as long as possible.
 *
 * Non-goals: shrinking (a set keeps its high-water mark of records), locking.
 */
#include "phys_internal.h"

#define FIRST_SLAB_RECS 32U
#define MAX_SLAB_RECS   4096U

/* Back to the tail of the FIFO. */
static void rec_put(struct vcm_phys *phys, struct vcm_physmem *m)
{
	m->magic = PHYSMEM_DEAD;
	m->next_dead = NULL;
	if (phys->dead_tail != NULL)
		phys->dead_tail->next_dead = m;
	else
		phys->dead_head = m;
	phys->dead_tail = m;
}

/*
 * Room in phys->by_addr for one more slab; false if meta_alloc fails. Grows
 * by doubling: slabs come seldom (their size doubles up to MAX_SLAB_RECS).
 */
static bool index_reserve(struct vcm_phys *phys)
{
	const struct vcm_plat_ops *plat = &phys->plat;
	struct rec_slab **a;
	uint32_t cap;

	if (phys->nr_slabs < phys->by_addr_cap)
		return true;
	cap = phys->by_addr_cap != 0U ? phys->by_addr_cap * 2U : 8U;
	a = plat->meta_alloc(plat->ctx, cap * sizeof(*a));
	if (a == NULL)
		return false;
	for (uint32_t i = 0; i < phys->nr_slabs; i++)
		a[i] = phys->by_addr[i];
	if (phys->by_addr != NULL)
		plat->meta_free(plat->ctx, phys->by_addr, phys->by_addr_cap * sizeof(*a));
	phys->by_addr = a;
	phys->by_addr_cap = cap;
	return true;
}

/* The index of the last slab in phys->by_addr at or below @p; nr_slabs if none. */
static uint32_t index_floor(const struct vcm_phys *phys, uintptr_t p)
{
	uint32_t lo = 0, hi = phys->nr_slabs;

	if (hi == 0U || (uintptr_t)phys->by_addr[0] > p)
		return phys->nr_slabs;
	while (hi - lo > 1U) {
		uint32_t mid = lo + (hi - lo) / 2U;

		if ((uintptr_t)phys->by_addr[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* A new slab, all of its records queued dead; false if meta_alloc fails. */
static bool add_slab(struct vcm_phys *phys)
{
	const struct vcm_plat_ops *plat = &phys->plat;
	uint32_t n = phys->next_slab_n != 0U ? phys->next_slab_n : FIRST_SLAB_RECS;
	size_t bytes = sizeof(struct rec_slab) + n * sizeof(struct vcm_physmem);
	struct rec_slab *s;
	uint32_t at;

	s = plat->meta_alloc(plat->ctx, bytes);
	if (s == NULL)
		return false;
	if (!index_reserve(phys)) {
		plat->meta_free(plat->ctx, s, bytes);
		return false;
	}
	s->bytes = bytes;
	s->n = n;
	phys->next_slab_n = n < MAX_SLAB_RECS ? n * 2U : n;
	/* slabs are disjoint: s goes right after the last one below it */
	at = index_floor(phys, (uintptr_t)s);
	at = at == phys->nr_slabs ? 0U : at + 1U;
	for (uint32_t i = phys->nr_slabs; i > at; i--)
		phys->by_addr[i] = phys->by_addr[i - 1U];
	phys->by_addr[at] = s;
	phys->nr_slabs++;
	/* in address order, so the first records handed out are the first of the slab */
	for (uint32_t k = 0; k < n; k++) {
		s->rec[k].owner = phys;
		rec_put(phys, &s->rec[k]);
	}
	return true;
}

static struct vcm_physmem *rec_get(struct vcm_phys *phys)
{
	struct vcm_physmem *m;

	if (phys->dead_head == NULL && !add_slab(phys))
		return NULL;
	m = phys->dead_head;
	phys->dead_head = m->next_dead;
	if (phys->dead_head == NULL)
		phys->dead_tail = NULL;
	m->next_dead = NULL;
	return m;
}

/*
 * Does @m point at a record of one of our slabs? Compares addresses only, so
 * a foreign pointer is never read: only the slab that could hold it (the last
 * one at or below it in address order) is looked at.
 */
bool rec_ours_(const struct vcm_phys *phys, const struct vcm_physmem *m)
{
	uintptr_t p = (uintptr_t)m, lo, hi;
	const struct rec_slab *s;
	uint32_t i;

	i = index_floor(phys, p);
	if (i == phys->nr_slabs)
		return false;
	s = phys->by_addr[i];
	lo = (uintptr_t)&s->rec[0];
	hi = lo + s->n * sizeof(struct vcm_physmem);
	return p >= lo && p < hi && (p - lo) % sizeof(struct vcm_physmem) == 0U;
}

/* A dead record with room for @nr_chunks chunks, or NULL with nothing held. */
struct vcm_physmem *rec_new_(struct vcm_phys *phys, uint64_t nr_chunks)
{
	const struct vcm_plat_ops *plat = &phys->plat;
	struct phys_chunk *chunks = NULL;
	struct vcm_physmem *m;

	if (nr_chunks > 1U) {
		if (nr_chunks > SIZE_MAX / sizeof(*chunks))
			return NULL;
		chunks = plat->meta_alloc(plat->ctx, (size_t)nr_chunks * sizeof(*chunks));
		if (chunks == NULL)
			return NULL;
	}
	m = rec_get(phys);
	if (m == NULL) {
		if (chunks != NULL)
			plat->meta_free(plat->ctx, chunks, (size_t)nr_chunks * sizeof(*chunks));
		return NULL;
	}
	m->chunks = chunks != NULL ? chunks : &m->one;
	m->nr_chunks = nr_chunks;
	m->owner = phys;
	m->len = 0;
	return m;
}

/* Give @m's chunk list back and queue it dead. */
void rec_release_(struct vcm_phys *phys, struct vcm_physmem *m)
{
	if (m->chunks != &m->one)
		phys->plat.meta_free(phys->plat.ctx, m->chunks,
				     (size_t)m->nr_chunks * sizeof(*m->chunks));
	m->chunks = NULL;
	m->nr_chunks = 0;
	rec_put(phys, m);
}

/* Every slab back to meta_free (destroy: no record is live any more). */
void rec_free_slabs_(struct vcm_phys *phys)
{
	const struct vcm_plat_ops *plat = &phys->plat;

	for (uint32_t i = 0; i < phys->nr_slabs; i++)
		plat->meta_free(plat->ctx, phys->by_addr[i], phys->by_addr[i]->bytes);
	if (phys->by_addr != NULL)
		plat->meta_free(plat->ctx, phys->by_addr,
				phys->by_addr_cap * sizeof(*phys->by_addr));
	phys->by_addr = NULL;
	phys->nr_slabs = 0;
	phys->by_addr_cap = 0;
	phys->dead_head = NULL;
	phys->dead_tail = NULL;
}
