/* SPDX-License-Identifier: MIT */
/*
 * The one vspace call the graph uses that is not public: a walk over the
 * ranges that hold reservations (res.c). Internal to the library, so not in
 * include/vcm/vspace.h. See docs/vspace.md ("Walking") and docs/graph.md.
 */
#ifndef VCM_VS_HELD_H
#define VCM_VS_HELD_H

#include <vcm/vspace.h>

/*
 * The first range of @vs after @r (NULL: the first of all) that is a live
 * reservation or a bound whose space holds at least one range; NULL if none,
 * or if @r is not a live range of @vs (recorded like vcm_vs_next()). Cached
 * ranges are free, so never returned. O(log n) for the empty bounds in
 * between, skipped by subtree, not visited; cached ranges are passed as
 * vcm_vs_next() passes them (at most 64 a step, then the cache is emptied).
 */
struct vcm_vs_range *vs_next_held_(struct vcm_vs *vs, const struct vcm_vs_range *r);

#endif /* VCM_VS_HELD_H */
