// SPDX-License-Identifier: MIT
/*
 * The physical copy behind vcm_migrate() and vcm_res_copy(): two cursors,
 * each yielding the physically contiguous runs of one side in order, and a
 * loop that moves the bytes through the platform's CPU view, as much at a
 * time as both current runs allow. In a guest system (vcm_nest_plat) the
 * physical addresses are IPAs, and two of them may be one host byte: the
 * views are compared too, before anything moves.
 */
#include "graph_internal.h"

/* A memory allocation's extents, in the order it was allocated. */
static int mem_next(struct copy_side *s, vcm_pa_t *pa, uint64_t *len)
{
	return vcm_phys_next_extent(s->mem, &s->pos, pa, len);
}

/* A backed reservation's bytes from an offset: the rest of the extent there. */
static int res_next(struct copy_side *s, vcm_pa_t *pa, uint64_t *len)
{
	const struct rmap_ext *e;
	uint64_t in;

	if (s->pos >= s->res->len)
		return -ENOENT;
	e = ext_at_da_(s->res, s->res->da + s->pos);
	in = s->res->da + s->pos - e->da;
	*pa = e->tn.key + in;
	*len = e->len - in;
	s->pos += *len;
	return 0;
}

void copy_side_mem_(struct copy_side *s, const struct vcm_physmem *mem)
{
	s->next = mem_next;
	s->mem = mem;
	s->res = NULL;
	s->pos = 0;
}

void copy_side_res_(struct copy_side *s, const struct vcm_res *res, uint64_t off)
{
	s->next = res_next;
	s->mem = NULL;
	s->res = res;
	s->pos = off;
}

/* The lowest and last pa of the first @len bytes of @s (a copy: @s does not move). */
static void side_span(struct copy_side s, uint64_t len, vcm_pa_t *lo, vcm_pa_t *last)
{
	vcm_pa_t pa;
	uint64_t n;

	*lo = UINT64_MAX;
	*last = 0;
	while (len != 0U && s.next(&s, &pa, &n) == 0) {
		n = n < len ? n : len;
		*lo = pa < *lo ? pa : *lo;
		*last = pa + (n - 1U) > *last ? pa + (n - 1U) : *last;
		len -= n;
	}
}

bool copy_overlap_(const struct copy_side *to, const struct copy_side *from, uint64_t len,
		   vcm_pa_t *at)
{
	struct copy_side t = *to;
	vcm_pa_t t_lo, t_last, f_lo, f_last, pt, pf;
	uint64_t left_t = len, nt, nf;

	if (len == 0U)
		return false;
	/* disjoint hulls, the usual case, in one pass over each side */
	side_span(*to, len, &t_lo, &t_last);
	side_span(*from, len, &f_lo, &f_last);
	if (t_last < f_lo || f_last < t_lo)
		return false;
	/* chunks interleave: every run against every run */
	while (left_t != 0U && t.next(&t, &pt, &nt) == 0) {
		struct copy_side f = *from;
		uint64_t left_f = len;

		nt = nt < left_t ? nt : left_t;
		left_t -= nt;
		while (left_f != 0U && f.next(&f, &pf, &nf) == 0) {
			nf = nf < left_f ? nf : left_f;
			left_f -= nf;
			if (pt <= pf + (nf - 1U) && pf <= pt + (nt - 1U)) {
				*at = pt > pf ? pt : pf;
				return true;
			}
		}
	}
	return false;
}

/*
 * @pa's CPU view. In a guest, copy_phys_() holds the host's lock for the
 * whole copy (what the host maps may not change between the look and the
 * move, nor under a memcpy), so the host is asked without locking again.
 */
static void *cpu_at(const struct vcm_plat_ops *plat, vcm_pa_t pa)
{
	return nest_plat_ops_(plat) ? nest_cpu_held_(plat, pa) : plat->pa_to_cpu(plat->ctx, pa);
}

/*
 * One pass of copy_phys_(): @move false only looks (every page has a CPU
 * view, every page written may be written), @move true copies. The pieces
 * never cross a 4 KiB page on either side: pa_to_cpu promises a pointer for
 * the page of the address asked, no more (a guest's IPA-contiguous run is
 * host pages anywhere, vcm_nest_plat).
 */
static int copy_pass(const struct vcm_plat_ops *plat, struct copy_side to, struct copy_side from,
		     uint64_t len, vcm_pa_t *bad_pa, bool move)
{
	uint64_t left_t = 0, left_f = 0;
	vcm_pa_t pt = 0, pf = 0;

	while (len != 0U) {
		uint64_t n;
		void *dst;
		const void *src;

		if (left_t == 0U && to.next(&to, &pt, &left_t) != 0)
			return 0;
		if (left_f == 0U && from.next(&from, &pf, &left_f) != 0)
			return 0;
		n = left_t < left_f ? left_t : left_f;
		if (n > len)
			n = len;
		if (n > GRAPH_PAGE - (pt & (GRAPH_PAGE - 1U)))
			n = GRAPH_PAGE - (pt & (GRAPH_PAGE - 1U));
		if (n > GRAPH_PAGE - (pf & (GRAPH_PAGE - 1U)))
			n = GRAPH_PAGE - (pf & (GRAPH_PAGE - 1U));
		dst = cpu_at(plat, pt);
		src = cpu_at(plat, pf);
		if (dst == NULL || src == NULL) {
			*bad_pa = dst == NULL ? pt : pf;
			return -EFAULT;
		}
		if (!move && nest_plat_ops_(plat) && !nest_writable_held_(plat, pt)) {
			*bad_pa = pt;
			return -EACCES;
		}
		if (move)
			__builtin_memcpy(dst, src, (size_t)n);
		pt += n;
		pf += n;
		left_t -= n;
		left_f -= n;
		len -= n;
	}
	return 0;
}

/*
 * A side's CPU view, run by run: the pieces copy_pass() moves, joined while
 * each one's view and pa both start where the last one's ended (so a run's
 * pa is its first byte's, and an offset in the view is one in the pa).
 */
struct view {
	struct copy_side s;
	uint64_t left; /* bytes of the side not looked at yet */
	vcm_pa_t pa;   /* the physical run being looked at */
	uint64_t run;  /* its bytes not looked at yet */
};

static void view_init(struct view *v, const struct copy_side *s, uint64_t len)
{
	v->s = *s;
	v->left = len;
	v->pa = 0;
	v->run = 0;
}

/* The next run of @v: *@n bytes from *@cpu, at pa *@pa; false at the end. */
static bool view_next(const struct vcm_plat_ops *plat, struct view *v, uintptr_t *cpu,
		      uint64_t *n, vcm_pa_t *pa)
{
	*n = 0;
	while (v->left != 0U) {
		uint64_t k;
		uintptr_t p;

		if (v->run == 0U && v->s.next(&v->s, &v->pa, &v->run) != 0) {
			v->left = 0;
			break;
		}
		k = v->run < v->left ? v->run : v->left;
		if (k > GRAPH_PAGE - (v->pa & (GRAPH_PAGE - 1U)))
			k = GRAPH_PAGE - (v->pa & (GRAPH_PAGE - 1U));
		p = (uintptr_t)cpu_at(plat, v->pa);
		/* the look pass saw a view for every page: none now ends the side */
		if (p == 0U) {
			v->left = 0;
			break;
		}
		/* a piece that starts a new run is looked at again by the next call */
		if (*n != 0U && (p != *cpu + *n || v->pa != *pa + *n))
			break;
		if (*n == 0U) {
			*cpu = p;
			*pa = v->pa;
		}
		*n += k;
		v->pa += k;
		v->run -= k;
		v->left -= k;
	}
	return *n != 0U;
}

/* The lowest address and the end of the CPU view of @s's first @len bytes. */
static void view_hull(const struct vcm_plat_ops *plat, const struct copy_side *s, uint64_t len,
		      uintptr_t *lo, uintptr_t *end)
{
	struct view v;
	uintptr_t c;
	uint64_t n;
	vcm_pa_t pa;

	*lo = UINTPTR_MAX;
	*end = 0;
	view_init(&v, s, len);
	while (view_next(plat, &v, &c, &n, &pa)) {
		*lo = c < *lo ? c : *lo;
		*end = c + n > *end ? c + n : *end;
	}
}

/* A run of a side's CPU view, for views_overlap(). */
struct cpu_run {
	uintptr_t cpu;
	uint64_t n;
};

/*
 * Whether the first @len bytes of @to and of @from share a byte through
 * their CPU views, *@bad_pa @to's pa of the first shared byte found. In a
 * guest two IPAs the host maps to the same memory do, which the IPAs do not
 * show (copy_overlap_() compares pas). Disjoint hulls, the usual case, cost
 * one pass over each side. Interleaved ones compare every run of @to with
 * every run of @from, kept in a list made in one pass (each page of a walk
 * asks the host, under its lock); without metadata for the list, @from is
 * walked again for each run of @to: slower, the same answer.
 */
static bool views_overlap(const struct vcm_plat_ops *plat, const struct copy_side *to,
			  const struct copy_side *from, uint64_t len, vcm_pa_t *bad_pa)
{
	uintptr_t t_lo, t_end, f_lo, f_end, ct, cf;
	struct cpu_run *fr = NULL;
	size_t nr = 0, got = 0;
	struct view vt, vf;
	uint64_t nt, nf;
	vcm_pa_t pt, pf;
	bool found = false;

	view_hull(plat, to, len, &t_lo, &t_end);
	view_hull(plat, from, len, &f_lo, &f_end);
	if (t_end <= f_lo || f_end <= t_lo)
		return false;
	view_init(&vf, from, len);
	while (view_next(plat, &vf, &cf, &nf, &pf))
		nr++;
	if (nr != 0U && nr <= SIZE_MAX / sizeof(*fr))
		fr = plat->meta_alloc(plat->ctx, nr * sizeof(*fr));
	if (fr != NULL) {
		view_init(&vf, from, len);
		while (got < nr && view_next(plat, &vf, &cf, &nf, &pf))
			fr[got++] = (struct cpu_run){ cf, nf };
	}
	view_init(&vt, to, len);
	while (!found && view_next(plat, &vt, &ct, &nt, &pt)) {
		if (fr == NULL)
			view_init(&vf, from, len);
		for (size_t i = 0; !found; i++) {
			if (fr != NULL) {
				if (i == got)
					break;
				cf = fr[i].cpu;
				nf = fr[i].n;
			} else if (!view_next(plat, &vf, &cf, &nf, &pf)) {
				break;
			}
			if (ct < cf + nf && cf < ct + nt) {
				*bad_pa = pt + (cf > ct ? cf - ct : 0U);
				found = true;
			}
		}
	}
	if (fr != NULL)
		plat->meta_free(plat->ctx, fr, nr * sizeof(*fr));
	return found;
}

/*
 * The checks and the move under one hold of a guest's host: else the host
 * could unback or migrate what a checked IPA maps before the move (a
 * partial copy, or bytes written into memory the host gave to someone else).
 */
static int copy_checked(const struct vcm_plat_ops *plat, struct copy_side *to,
			struct copy_side *from, uint64_t len, vcm_pa_t *bad_pa)
{
	/* all or nothing: a page without a view, or one a guest may not write, moves nothing */
	int ret = copy_pass(plat, *to, *from, len, bad_pa, false);

	if (ret != 0)
		return ret;
	/*
	 * Nor do aliased bytes: a memcpy over them is undefined, and a write
	 * through one side changes what the other still has to read. Only a
	 * guest's pas can alias: another platform's distinct pas are distinct
	 * memory, and shared pas are refused before the copy (copy_overlap_()).
	 */
	if (nest_plat_ops_(plat) && views_overlap(plat, to, from, len, bad_pa))
		return -EINVAL;
	return copy_pass(plat, *to, *from, len, bad_pa, true);
}

int copy_phys_(const struct vcm_plat_ops *plat, struct copy_side *to, struct copy_side *from,
	       uint64_t len, vcm_pa_t *bad_pa)
{
	struct copy_side first = *to;
	struct vcm_sys *host;
	uint64_t n;
	int ret;

	if (!nest_plat_ops_(plat))
		return copy_checked(plat, to, from, len, bad_pa);
	host = nest_hold_(plat);
	/* no host, no view of any page: the first is named */
	if (host == NULL) {
		if (first.next(&first, bad_pa, &n) != 0)
			*bad_pa = 0;
		return -EFAULT;
	}
	ret = copy_checked(plat, to, from, len, bad_pa);
	sys_unlock_(host);
	return ret;
}
