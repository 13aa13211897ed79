// SPDX-License-Identifier: MIT
/*
 * Devices by name: a chained hash over sys->devs, so that registering a
 * device (the name must be new) and vcm_dev_find() cost O(1) and not
 * O(devices). The list stays the record of every device; the table only
 * speeds the search. It is an accelerator that may be missing: when its
 * bucket array cannot be had (no metadata), lookups walk the list, and the
 * next device that can grow it indexes every device again. The array
 * exists only while devices do, so a system with none holds no more
 * metadata than before it had any. A freestanding build (the firmware
 * images, with a size budget and a handful of devices) keeps only the walk.
 */
#include "graph_internal.h"

static bool name_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static struct vcm_dev *find_walk(struct vcm_sys *sys, const char *name)
{
	struct glist *p;

	glist_for_each(p, &sys->devs) {
		struct vcm_dev *d = GRAPH_CONTAINER(p, struct vcm_dev, node);

		if (name_eq(d->name, name))
			return d;
	}
	return NULL;
}

#if !__STDC_HOSTED__
struct vcm_dev *dev_names_find_(struct vcm_sys *sys, const char *name)
{
	return find_walk(sys, name);
}

void dev_names_add_(struct vcm_sys *sys, struct vcm_dev *dev)
{
	(void)sys;
	(void)dev;
}

void dev_names_del_(struct vcm_sys *sys, struct vcm_dev *dev)
{
	(void)sys;
	(void)dev;
}
#else

#define NAMES_MIN 64U /* buckets in the first array */

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261U; /* FNV-1a */

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619U;
	return h;
}

static void names_put(struct vcm_dev **tab, uint64_t nb, struct vcm_dev *d)
{
	struct vcm_dev **b = &tab[d->name_hash & (nb - 1U)];

	d->name_next = *b;
	*b = d;
}

/* A new array of @nb buckets holding every device on the list, or false
 * (nothing changed) when there is no metadata for it. */
static bool names_rebuild(struct vcm_sys *sys, uint64_t nb)
{
	struct vcm_dev **tab = meta_alloc_(sys, (size_t)nb * sizeof(*tab));
	struct glist *p;

	if (tab == NULL)
		return false;
	graph_zero(tab, (size_t)nb * sizeof(*tab));
	glist_for_each(p, &sys->devs)
		names_put(tab, nb, GRAPH_CONTAINER(p, struct vcm_dev, node));
	if (sys->names != NULL)
		meta_free_(sys, sys->names, (size_t)sys->nr_names * sizeof(*tab));
	sys->names = tab;
	sys->nr_names = nb;
	return true;
}

struct vcm_dev *dev_names_find_(struct vcm_sys *sys, const char *name)
{
	struct vcm_dev *d;
	uint32_t h;

	if (sys->names == NULL)
		return find_walk(sys, name);
	h = name_hash(name);
	for (d = sys->names[h & (sys->nr_names - 1U)]; d != NULL; d = d->name_next)
		if (d->name_hash == h && name_eq(d->name, name))
			return d;
	return NULL;
}

/* @dev is on sys->devs already; never fails (the table is only a help). */
void dev_names_add_(struct vcm_sys *sys, struct vcm_dev *dev)
{
	dev->name_hash = name_hash(dev->name);
	dev->name_next = NULL;
	/* at most two devices a bucket on average */
	if (sys->names == NULL || sys->nr_dev > 2U * sys->nr_names) {
		uint64_t nb = sys->names == NULL ? NAMES_MIN : 2U * sys->nr_names;

		while (nb * 2U < sys->nr_dev)
			nb *= 2U;
		if (names_rebuild(sys, nb))
			return; /* @dev was on the list, so it is in the new array */
		if (sys->names == NULL)
			return;
	}
	names_put(sys->names, sys->nr_names, dev);
}

/* @dev is still on sys->devs; sys->nr_dev counts it no more. */
void dev_names_del_(struct vcm_sys *sys, struct vcm_dev *dev)
{
	struct vcm_dev **pp;

	if (sys->names == NULL)
		return;
	if (sys->nr_dev == 0U) {
		meta_free_(sys, sys->names, (size_t)sys->nr_names * sizeof(*pp));
		sys->names = NULL;
		sys->nr_names = 0;
		return;
	}
	for (pp = &sys->names[dev->name_hash & (sys->nr_names - 1U)]; *pp != NULL;
	     pp = &(*pp)->name_next) {
		if (*pp == dev) {
			*pp = dev->name_next;
			return;
		}
	}
}
#endif
